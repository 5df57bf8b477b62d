//! Placeholder: filled in by the quotes/orders work.
