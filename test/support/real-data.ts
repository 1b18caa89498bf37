/** Where the real (never committed) WVS files are, or why a test must skip. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { findWvsFile, sharedDir } from "../../src/paths";

export const REAL_DIR = join(sharedDir(), "wvs-real");
export const REAL = {
  crossNational: join(REAL_DIR, "WVS_Cross-National_Wave_7_csv_v6_0_SGP_only.csv"),
  singleCountry: join(REAL_DIR, "WVS_Wave_7_Singapore_Csv_v5.1.csv"),
  excelExport: join(REAL_DIR, "F00013217-WVS_Wave_7_Singapore_Excel_v5.1.csv"),
};

/** The main real file (WVS_CSV or the shared folder), or null. */
export const realFile = findWvsFile();
/** `skip` option for node:test: a reason string when the microdata is absent. */
export const needsMicrodata: string | false = realFile && existsSync(realFile) ? false : "WVS-7 microdata absent (set WVS_CSV or provide ../shared/wvs-real)";
export const needsAllFormats: string | false = Object.values(REAL).every((f) => existsSync(f))
  ? false
  : "the three real WVS-7 Singapore files are absent (../shared/wvs-real)";
