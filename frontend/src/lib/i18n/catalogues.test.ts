import { areas, catalogues, type Lang } from './catalogues';

const langs = Object.keys(catalogues) as Lang[];
const sortedKeys = (messages: object) => Object.keys(messages).sort();

describe('message catalogues', () => {
  it.each(langs.filter((lang) => lang !== 'en'))('%s has exactly the keys of the English catalogue', (lang) => {
    expect(sortedKeys(catalogues[lang])).toEqual(sortedKeys(catalogues.en));
  });

  it.each(langs)('%s defines every key in exactly one area file', (lang) => {
    const keys = areas[lang].flatMap((area) => Object.keys(area));
    const twice = keys.filter((key, i) => keys.indexOf(key) !== i);
    expect(twice).toEqual([]);
    expect(keys.sort()).toEqual(sortedKeys(catalogues[lang]));
  });
});
