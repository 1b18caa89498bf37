/**
 * Where the WVS-7 microdata comes from and where svlab looks for it, in words a notebook or a CLI
 * can show: which file to download from the WVS website, where to put it (../shared/wvs-real/ or
 * WVS_CSV). The file names are the ones findWvsFile() looks for (src/paths.ts WVS_FILENAMES).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { noMicrodata, sharedDir, WVS_FILENAMES } from "../paths";
import { COUNTRY } from "./codebook-build";

/** The WVS page with the wave 7 (2017–2022) data files and their documentation. */
export const WVS_DOWNLOAD_PAGE = "https://www.worldvaluessurvey.org/WVSDocumentationWV7.jsp";

/** How each known file name is obtained; `download`: a file the WVS website offers (the others are made from one). */
const HOW_TO_GET: Record<string, { download: boolean; text: string }> = {
  "WVS_Cross-National_Wave_7_csv_v6_0.csv": {
    download: true,
    text: `the cross-national data file (all countries, CSV, v6.0); svlab reads only ${COUNTRY.name}'s rows`,
  },
  [`WVS_Wave_7_${COUNTRY.name}_Csv_v5.1.csv`]: {
    download: true,
    text: `${COUNTRY.name}'s single-country file, CSV format (choose ${COUNTRY.name} in the page's country list)`,
  },
  "WVS_Cross-National_Wave_7_csv_v6_0_SGP_only.csv": {
    download: false,
    text: `the cross-national file cut to ${COUNTRY.name}'s rows, if you filter it yourself to save space`,
  },
};

export interface MicrodataSource {
  /** The file name findWvsFile() looks for. */
  name: string;
  /** Where that name is looked for. */
  path: string;
  /** A file the WVS website offers for download (false: one you make from such a file). */
  download: boolean;
  /** What it is and where it comes from. */
  howToGet: string;
}

/** The file names svlab looks for in ../shared/wvs-real/, in its search order, with how to get each. */
export function microdataSources(): MicrodataSource[] {
  const dir = join(sharedDir(), "wvs-real");
  return WVS_FILENAMES.map((name) => ({
    name,
    path: join(dir, name),
    download: HOW_TO_GET[name]?.download ?? true,
    howToGet: HOW_TO_GET[name]?.text ?? "a WVS-7 CSV file in one of the three official formats",
  }));
}

/** Markdown: how to get the WVS-7 file and where to put it (for a notebook note or a CLI message). */
export function microdataHelp(): string {
  const sources = microdataSources();
  const dir = join(sharedDir(), "wvs-real");
  return [
    "**How to get the WVS-7 microdata** (free for non-profit use; the WVS conditions of use forbid redistributing it, so never commit it):",
    "",
    `1. Open the WVS wave 7 page, ${WVS_DOWNLOAD_PAGE}, register and accept the conditions of use.`,
    "2. Download one of these files (unzip it if it comes zipped):",
    ...sources.filter((s) => s.download).map((s) => `   - \`${s.name}\`: ${s.howToGet};`),
    ...sources.filter((s) => !s.download).map((s) => `   - or \`${s.name}\`: ${s.howToGet};`),
    `3. Put it in \`${dir}/\` (the folder \`../shared/wvs-real/\` beside the project) under that name — ` +
      "or anywhere, with the environment variable `WVS_CSV` pointing at it (any name; the Excel export's CSV works too): " +
      "`WVS_CSV=/path/to/file.csv npm run notebook`.",
    "4. Restart the kernel and run the notebook again.",
  ].join("\n");
}

/** Markdown: which microdata file is used, or why none is and how to get one. */
export function microdataStatus(file: string | null): string {
  if (file && existsSync(file)) return `Using the WVS-7 microdata: \`${file}\`.`;
  if (file) return `**\`WVS_CSV\` points at \`${file}\`, which does not exist.** Fix the path or unset \`WVS_CSV\`.\n\n${microdataHelp()}`;
  const why = noMicrodata()
    ? "**WVS-7 microdata switched off** (`SVLAB_NO_MICRODATA` is set), so this run sees what a fresh machine sees."
    : `**No WVS-7 microdata found**: \`WVS_CSV\` is not set and \`${join(sharedDir(), "wvs-real")}/\` holds none of the file names below.`;
  return [why, "", microdataHelp()].join("\n");
}

/** Markdown for a cell that reads the respondents when there are none: one line instead of silence. */
export function needsMicrodata(what = "this cell"): string {
  return `*Skipped: ${what} reads the respondents themselves and needs the WVS-7 microdata — see "Find the data" at the top for how to get it.*`;
}
