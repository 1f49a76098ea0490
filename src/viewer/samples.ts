import covidPng from './samples/COVID-2020.03.19.20038539-p10-57.png?url';
import smallDicom from './samples/ct-small-explicit-le.dcm?url';
import nonCovidJpg from './samples/NonCOVID-33_0.jpg?url';

/** The bundled slices (see samples/README.md for where they come from). */
export const SAMPLES = [
  { id: 'covid-png', title: 'COVID (PNG)', fileName: 'COVID-2020.03.19.20038539-p10-57.png', url: covidPng, thumbnail: true },
  { id: 'noncovid-jpg', title: 'NonCOVID (JPEG)', fileName: 'NonCOVID-33_0.jpg', url: nonCovidJpg, thumbnail: true },
  { id: 'ct-dicom', title: 'CT, 128 × 128 (DICOM)', fileName: 'ct-small-explicit-le.dcm', url: smallDicom, thumbnail: false },
] as const;

export type Sample = (typeof SAMPLES)[number];

/** A button per sample; clicking one hands `open` its file name and how to fetch its bytes. */
export function renderGallery(container: HTMLElement, open: (fileName: string, load: () => Promise<Uint8Array>) => void): void {
  container.replaceChildren(
    ...SAMPLES.map((sample) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.sample = sample.id;
      if (sample.thumbnail) {
        const img = document.createElement('img');
        img.src = sample.url;
        img.alt = '';
        button.append(img);
      }
      button.append(sample.title);
      button.onclick = () => open(sample.fileName, () => fetchSample(sample));
      return button;
    }),
  );
}

async function fetchSample(sample: Sample): Promise<Uint8Array> {
  try {
    const response = await fetch(sample.url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    throw new Error(`cannot load the sample ${sample.fileName}: ${(err as Error).message}`);
  }
}
