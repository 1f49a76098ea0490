/** The lung window the COVID-CT figures resemble: centre −600 HU, width 1500 HU, i.e. −1350..150 HU. */
export const LUNG_WINDOW = { centreHU: -600, widthHU: 1500 } as const;

/**
 * Hounsfield units to [0, 1] through a plain linear window: lower edge 0, upper edge 1,
 * clamped outside. (DICOM's VOI LUT formula offsets the edges by half a unit; at a width of
 * 1500 HU that is below the precision that matters here.)
 */
export function windowToUnit(hu: number): number {
  const { centreHU, widthHU } = LUNG_WINDOW;
  const unit = (hu - (centreHU - widthHU / 2)) / widthHU;
  return unit < 0 ? 0 : unit > 1 ? 1 : unit;
}
