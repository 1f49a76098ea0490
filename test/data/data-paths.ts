/** The shared data sets, read in place (never copied into the repo). */
export const COVID_CT_ROOT = '/work/shared/data/covid-ct';
export const COVID_CT_IMAGES = `${COVID_CT_ROOT}/images`;
export const DICOM_ROOT = '/work/shared/data/dicom';
