/** The bytes of a model file at `url`, or an error that says what went wrong in words. */
export async function fetchModel(url: string, source: string): Promise<Uint8Array> {
  let response: Response;
  try {
    // Asking for bytes keeps a dev server from answering a missing file with its index page.
    response = await fetch(url, { headers: { Accept: 'application/octet-stream' } });
  } catch (err) {
    throw new Error(`cannot fetch the model ${source}: ${(err as Error).message}`);
  }
  const type = response.headers.get('content-type') ?? '';
  if (response.status === 404 || type.startsWith('text/html')) {
    throw new Error(`the model ${source} was not found (HTTP ${response.status}${type.startsWith('text/html') ? ', a web page instead of a model file' : ''})`);
  }
  if (!response.ok) throw new Error(`cannot fetch the model ${source}: HTTP ${response.status} ${response.statusText}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length === 0) throw new Error(`the model ${source} is an empty file`);
  return bytes;
}
