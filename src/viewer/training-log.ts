/** One line of the JSON-lines log that `covid-ct train --log` writes, one per epoch. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valAccuracy: number;
  lr: number;
  seconds: number;
  valLoss?: number;
}

const REQUIRED = ['epoch', 'loss', 'accuracy', 'valAccuracy', 'lr', 'seconds'] as const;

/** Parses a training log; any line that is not such a record is an error naming the file and the line. */
export function parseTrainingLog(text: string, fileName: string): EpochRecord[] {
  const records: EpochRecord[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${fileName} line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not JSON (${line.slice(0, 60)}${line.length > 60 ? '…' : ''}); a training log has one JSON object per line`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: not a JSON object`);
    const fields = value as Record<string, unknown>;
    for (const key of REQUIRED) {
      if (typeof fields[key] !== 'number' || !Number.isFinite(fields[key])) throw new Error(`${where}: "${key}" is missing or not a finite number`);
    }
    const record = Object.fromEntries(REQUIRED.map((key) => [key, fields[key]])) as unknown as EpochRecord;
    if (typeof fields.valLoss === 'number' && Number.isFinite(fields.valLoss)) record.valLoss = fields.valLoss;
    const previous = records.at(-1);
    if (previous && record.epoch <= previous.epoch) throw new Error(`${where}: epoch ${record.epoch} follows epoch ${previous.epoch}; epochs must increase`);
    records.push(record);
  });
  if (records.length === 0) throw new Error(`${fileName}: no epochs in the training log (an empty file)`);
  return records;
}
