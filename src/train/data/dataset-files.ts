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
 * meta.csv (`path,label,patient,split`, header first) to patient ids by relative path.
 * A row whose label disagrees with its path is an error: one of the two is wrong.
 */
export function parsePatientsCsv(text: string, source: string): Map<string, string> {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = splitCsvLine(lines[0] ?? '');
  const column = (name: string) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`${source}: no "${name}" column in header "${lines[0] ?? ''}"`);
    return at;
  };
  const [pathAt, labelAt, patientAt] = [column('path'), column('label'), column('patient')];
  const patients = new Map<string, string>();
  lines.slice(1).forEach((line, index) => {
    const fields = splitCsvLine(line);
    const path = fields[pathAt];
    const label = fields[labelAt];
    if (path === undefined || fields[patientAt] === undefined) {
      throw new Error(`${source} line ${index + 2}: expected ${header.length} fields, got ${fields.length}`);
    }
    if (!path.startsWith(`${label}/`)) throw new Error(`${source} line ${index + 2}: label "${label}" but path "${path}"`);
    patients.set(path, fields[patientAt]);
  });
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
  return fields;
}
