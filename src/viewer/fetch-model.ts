/** A model file a few megabytes long: a server that has sent none of it in this time is not going to. */
const MODEL_FETCH_TIMEOUT_MS = 120_000;

/** The bytes of a model file at `url`, or an error that says what went wrong in words. */
export async function fetchModel(url: string, source: string, timeoutMs = MODEL_FETCH_TIMEOUT_MS): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(timeoutMs);
  const failed = (err: unknown) => new Error(signal.aborted ? `the model ${source} did not arrive within ${timeoutMs / 1000} s` : `cannot fetch the model ${source}: ${(err as Error).message}`);
  let response: Response;
  try {
    // Asking for bytes keeps a dev server from answering a missing file with its index page.
    response = await fetch(url, { headers: { Accept: 'application/octet-stream' }, signal });
  } catch (err) {
    throw failed(err);
  }
  const type = response.headers.get('content-type') ?? '';
  if (response.status === 404 || type.startsWith('text/html')) {
    throw new Error(`the model ${source} was not found (HTTP ${response.status}${type.startsWith('text/html') ? ', a web page instead of a model file' : ''})`);
  }
  if (!response.ok) throw new Error(`cannot fetch the model ${source}: HTTP ${response.status} ${response.statusText}`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    throw failed(err);
  }
  if (bytes.length === 0) throw new Error(`the model ${source} is an empty file`);
  return bytes;
}
