import { isClassName, type ClassName } from './classes.ts';

/** One image of the data set, named relative to the images root as `CLASS/file`. */
export interface ListedImage {
  relativePath: string;
  label: ClassName;
}

/** A split list: one `CLASS/file` a line; blank lines are skipped. `source` names the list in errors. */
export function parseSplitList(text: string, source: string): ListedImage[] {
  const images: ListedImage[] = [];
  const lineOf = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, index) => {
    const relativePath = line.trim();
    if (relativePath === '') return;
    const slash = relativePath.indexOf('/');
    const label = relativePath.slice(0, slash);
    if (slash < 0 || slash === relativePath.length - 1 || !isClassName(label)) {
      throw new Error(`${source} line ${index + 1}: expected "COVID/<file>" or "NonCOVID/<file>", got "${relativePath}"`);
    }
    const first = lineOf.get(relativePath);
    if (first !== undefined) throw new Error(`${source} line ${index + 1}: ${relativePath} is listed already, on line ${first}`);
    lineOf.set(relativePath, index + 1);
    images.push({ relativePath, label });
  });
  return images;
}

/**
 * meta.csv (`path,label,patient,split`, header first) to patient ids by relative path. Fields
 * are trimmed: "p1 " and "p1" are one patient, whose slices must share a fold. A row whose label
 * disagrees with its path is an error (one of the two is wrong), and so is a path given twice
 * (which patient would it be?).
 */
export function parsePatientsCsv(text: string, source: string): Map<string, string> {
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((line, index) => ({ line, number: index + 1 })).filter(({ line }) => line.trim() !== '');
  const header = splitCsvLine(rows[0]?.line ?? '');
  const column = (name: string) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`${source}: no "${name}" column in header "${rows[0]?.line ?? ''}"`);
    return at;
  };
  const [pathAt, labelAt, patientAt] = [column('path'), column('label'), column('patient')];
  const patients = new Map<string, string>();
  const lineOf = new Map<string, number>();
  for (const { line, number } of rows.slice(1)) {
    const fields = splitCsvLine(line);
    const [path, label, patient] = [fields[pathAt], fields[labelAt], fields[patientAt]];
    if (path === undefined || patient === undefined) throw new Error(`${source} line ${number}: expected ${header.length} fields, got ${fields.length}`);
    if (!path.startsWith(`${label}/`)) throw new Error(`${source} line ${number}: label "${label}" but path "${path}"`);
    if (lineOf.has(path)) throw new Error(`${source} line ${number}: ${path} is listed already, on line ${lineOf.get(path)}`);
    lineOf.set(path, number);
    patients.set(path, patient);
  }
  return patients;
}

/** Comma-separated fields; a field in double quotes may hold commas, and "" inside it is one quote. */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}
