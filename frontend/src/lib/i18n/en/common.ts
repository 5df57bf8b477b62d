// English messages for the app shell: navigation, sign-in, loading and error states, shared form words and dialogs.
export const common = {
  'app.name': 'Rapport',

  'nav.dashboard': 'Dashboard',
  'nav.customers': 'Customers',
  'nav.pipeline': 'Pipeline',
  'nav.products': 'Products',
  'nav.forecast': 'Forecast',
  'nav.rfm': 'RFM',
  'nav.regression': 'Regression',
  'nav.orders': 'Orders',
  'nav.followUps': 'Follow-ups',
  'nav.csat': 'CSAT',
  'nav.audit': 'Audit log',
  'nav.leads': 'Leads',
  'nav.service': 'Service',
  'nav.admin': 'Admin',
  'nav.logout': 'Sign out',
  'nav.quotes': 'Quotes',
  'nav.marketing': 'Marketing',
  'nav.campaigns': 'Campaigns',
  'nav.segments': 'Segments',

  'login.title': 'Sign in',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.failed': 'Wrong email or password.',

  'state.loading': 'Loading…',
  'state.empty': 'Nothing here yet.',
  'state.error': 'Could not load:',
  'state.retry': 'Retry',

  'form.save': 'Save',
  'form.cancel': 'Cancel',
  'form.required': 'Required',
  'form.invalidEmail': 'Not a valid email',

  'conflict.title': 'Someone else saved first',
  'conflict.body': 'This record changed since you opened it. Reload their version, or overwrite it with yours?',
  'conflict.reload': 'Reload',
  'conflict.overwrite': 'Overwrite',

  'picker.search': 'Search customer',
  'picker.choose': 'Choose a customer',
} as const;
