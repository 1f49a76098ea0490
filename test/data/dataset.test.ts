import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLASS_NAMES } from '../../src/train/data/classes.ts';
import { listDataset, type DatasetEntry } from '../../src/train/data/dataset.ts';
import { checkSplitsDisjoint, listImages } from '../../src/train/data-source.ts';
import { COVID_CT_IMAGES, COVID_CT_ROOT } from './data-paths.ts';

const count = (entries: DatasetEntry[], label: string) => entries.filter((e) => e.label === label).length;
const patients = (entries: DatasetEntry[]) => new Set(entries.map((e) => e.patient));

describe('listDataset on COVID-CT', () => {
  const meta = `${COVID_CT_ROOT}/meta.csv`;

  it('has NonCOVID at index 0 and COVID, the positive class, at index 1', () => {
    expect(CLASS_NAMES).toEqual(['NonCOVID', 'COVID']);
  });

  it('train split: 192 COVID + 234 NonCOVID from 234 patients, in list order', async () => {
    const train = await listDataset(COVID_CT_IMAGES, { list: `${COVID_CT_ROOT}/splits/train.txt`, meta });
    expect([count(train, 'COVID'), count(train, 'NonCOVID')]).toEqual([192, 234]);
    expect(train[0]).toEqual({ path: `${COVID_CT_IMAGES}/COVID/2020.01.24.919183-p27-132.png`, label: 'COVID', patient: 'Patient 1' });
    expect(train.every((e) => e.patient !== undefined)).toBe(true);
    expect(patients(train).size).toBe(234);
  });

  it('val split: 60 COVID + 58 NonCOVID, no patient shared with train', async () => {
    const val = await listDataset(COVID_CT_IMAGES, { list: `${COVID_CT_ROOT}/splits/val.txt`, meta });
    const train = await listDataset(COVID_CT_IMAGES, { list: `${COVID_CT_ROOT}/splits/train.txt`, meta });
    expect([count(val, 'COVID'), count(val, 'NonCOVID')]).toEqual([60, 58]);
    expect(patients(val).size).toBe(56);
    const trainPatients = patients(train);
    expect([...patients(val)].filter((p) => trainPatients.has(p))).toEqual([]);
  });

  it('without a list: every file of both folders, NonCOVID first, sorted, no patient', async () => {
    const all = await listDataset(COVID_CT_IMAGES);
    expect([count(all, 'COVID'), count(all, 'NonCOVID')]).toEqual([252, 292]);
    expect(all[0]).toEqual({ path: `${COVID_CT_IMAGES}/NonCOVID/102.png`, label: 'NonCOVID' });
    expect(all[292].label).toBe('COVID');
  });
});

describe('listDataset errors', () => {
  const root = mkdtempSync(join(tmpdir(), 'dataset-test-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    writeFileSync(join(root, name), content);
    return join(root, name);
  };
  mkdirSync(join(root, 'COVID'));
  mkdirSync(join(root, 'NonCOVID'));
  writeFileSync(join(root, 'COVID', 'a.png'), '');
  writeFileSync(join(root, 'COVID', '.DS_Store'), '');

  it('a listed file that is missing is named', async () => {
    const list = file('list.txt', 'COVID/a.png\nNonCOVID/gone.png\n');
    await expect(listDataset(root, { list })).rejects.toThrowError(`${list} lists NonCOVID/gone.png, but ${join(root, 'NonCOVID/gone.png')} is not a file`);
  });

  it('a list that names an image twice is refused, naming both lines (eval scored it twice)', async () => {
    const list = file('twice.txt', 'COVID/a.png\nNonCOVID/b.png\nCOVID/a.png\n');
    await expect(listDataset(root, { list })).rejects.toThrowError(`${list} line 3: COVID/a.png is listed already, on line 1`);
  });

  it('a list line without a known class is named with its line number', async () => {
    const list = file('bad.txt', 'COVID/a.png\n\nPneumonia/b.png\n');
    await expect(listDataset(root, { list })).rejects.toThrowError(`${list} line 3: expected "COVID/<file>" or "NonCOVID/<file>", got "Pneumonia/b.png"`);
  });

  it('a meta.csv row whose label disagrees with its path is an error', async () => {
    const meta = file('meta.csv', 'path,label,patient,split\nCOVID/a.png,NonCOVID,p1,train\n');
    await expect(listDataset(root, { meta })).rejects.toThrowError(`${meta} line 2: label "NonCOVID" but path "COVID/a.png"`);
  });

  it('meta.csv: a byte-order mark, blank lines and spaces around fields change nothing; a path given twice is refused, naming both lines', async () => {
    const meta = file('bom.csv', '\uFEFFpath, label ,patient,split\r\n\r\n COVID/a.png ,COVID, p1 ,train\r\n');
    expect(await listDataset(root, { meta })).toEqual([{ path: join(root, 'COVID/a.png'), label: 'COVID', patient: 'p1' }]);
    const twice = file('twice.csv', 'path,label,patient,split\nCOVID/a.png,COVID,p1,train\n\nCOVID/a.png,COVID,p2,train\n');
    await expect(listDataset(root, { meta: twice })).rejects.toThrowError(`${twice} line 4: COVID/a.png is listed already, on line 2`);
  });

  it('quoted meta.csv fields may hold commas; hidden files are not listed', async () => {
    const meta = file('quoted.csv', 'split,path,patient,label\ntrain,COVID/a.png,"Smith, J ""JS""",COVID\n');
    expect(await listDataset(root, { meta })).toEqual([{ path: join(root, 'COVID/a.png'), label: 'COVID', patient: 'Smith, J "JS"' }]);
  });

  it('a link to a file is listed as its file is; a link to a folder or to nothing is not (one class folder too)', async () => {
    const linked = mkdtempSync(join(tmpdir(), 'dataset-links-'));
    try {
      mkdirSync(join(linked, 'COVID'));
      mkdirSync(join(linked, 'NonCOVID'));
      symlinkSync(join(root, 'COVID', 'a.png'), join(linked, 'COVID', 'b.png'));
      symlinkSync(join(root, 'COVID'), join(linked, 'NonCOVID', 'folder'));
      symlinkSync(join(root, 'gone.png'), join(linked, 'NonCOVID', 'dangling.png'));
      expect(await listDataset(linked)).toEqual([{ path: join(linked, 'COVID/b.png'), label: 'COVID' }]);
      rmSync(join(linked, 'NonCOVID'), { recursive: true });
      expect(await listImages(linked)).toEqual([{ path: join(linked, 'COVID/b.png'), label: 'COVID' }]);
    } finally {
      rmSync(linked, { recursive: true, force: true });
    }
  });

  it('split lists that share an image are refused', () => {
    const [a, b] = [{ path: 'r/COVID/a.png', label: 'COVID' as const }, { path: 'r/NonCOVID/b.png', label: 'NonCOVID' as const }];
    expect(() => checkSplitsDisjoint([{ list: 't.txt', entries: [a] }, { list: 'v.txt', entries: [b] }])).not.toThrow();
    expect(() => checkSplitsDisjoint([{ list: 't.txt', entries: [a, b] }, { list: 'v.txt', entries: [b] }])).toThrowError('r/NonCOVID/b.png is in both t.txt and v.txt: it would be trained on and scored on');
    expect(() => checkSplitsDisjoint([{ list: 't.txt', entries: [a] }, { list: 't.txt', entries: [a] }])).toThrowError('r/COVID/a.png is in both t.txt and t.txt');
  });

  it('a root without the class folders is an error', async () => {
    await expect(listDataset(join(root, 'COVID'))).rejects.toThrowError(`dataset root ${join(root, 'COVID')} has no readable NonCOVID/ folder (ENOENT)`);
  });
});
