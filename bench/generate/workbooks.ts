/**
 * The OEWS yearly workbooks at upstream size, zipped the BLS way (`oesm24st.zip` →
 * `oesm24st/state_M2024_dl.xlsx`, …): the national, the state and the metropolitan/nonmetropolitan
 * (all areas) files. Written with exceljs's streaming writer so ~170 k rows never sit in memory.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { OEWS_HEADER } from '../../fixtures/generate/oewsWorkbook.js';
import type { Area } from './areas.js';
import type { Cell, Estimate } from './estimates.js';
import { areaEstimates, RELEASE } from './flatFiles.js';
import type { Occupation } from './occupations.js';

const GROUP_NAME = { total: 'total', major: 'major', minor: 'minor', broad: 'broad', detailed: 'detailed' };

function row(area: Area, o: Occupation, e: Estimate): Array<string | number | null> {
  const national = area.letter === 'N';
  const star = (c: Cell | '*') => c;
  const emp = (c: number | '*') => (c === '*' ? '**' : c);
  const cells: Record<string, string | number | null> = {
    AREA: area.xlsxArea,
    AREA_TITLE: national ? 'U.S.' : area.name,
    AREA_TYPE: String(area.xlsxType),
    PRIM_STATE: area.postal,
    NAICS: '000000',
    NAICS_TITLE: 'Cross-industry',
    I_GROUP: 'cross-industry',
    OWN_CODE: '1235',
    OCC_CODE: o.soc,
    OCC_TITLE: o.title,
    O_GROUP: GROUP_NAME[o.level],
    TOT_EMP: emp(e.employment),
    EMP_PRSE: emp(e.empRse),
    JOBS_1000: national ? null : emp(e.jobs1000),
    LOC_QUOTIENT: national ? null : emp(e.locQuotient),
    PCT_TOTAL: null,
    PCT_RPT: null,
    H_MEAN: star(e.hourly[5]!),
    A_MEAN: star(e.annual[5]!),
    MEAN_PRSE: e.wageRse,
    H_PCT10: e.hourly[0]!,
    H_PCT25: e.hourly[1]!,
    H_MEDIAN: e.hourly[2]!,
    H_PCT75: e.hourly[3]!,
    H_PCT90: e.hourly[4]!,
    A_PCT10: e.annual[0]!,
    A_PCT25: e.annual[1]!,
    A_MEDIAN: e.annual[2]!,
    A_PCT75: e.annual[3]!,
    A_PCT90: e.annual[4]!,
    ANNUAL: o.wages === 'annualOnly' ? 'TRUE' : '',
    HOURLY: o.wages === 'hourlyOnly' ? 'TRUE' : '',
  };
  return OEWS_HEADER.map((c) => cells[c] ?? null);
}

async function writeXlsx(file: string, sheetName: string, areas: Area[], occupations: Occupation[]) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useStyles: false,
    useSharedStrings: true,
  });
  const sheet = wb.addWorksheet(sheetName);
  sheet.addRow([...OEWS_HEADER]).commit();
  let rows = 0;
  for (const { area, occupation, estimate } of areaEstimates(areas, occupations)) {
    sheet.addRow(row(area, occupation, estimate)).commit();
    rows++;
  }
  sheet.commit();
  const fields = wb.addWorksheet('Field Descriptions');
  fields.addRow([`${RELEASE.description} OEWS Estimates`]).commit();
  fields.addRow(['Generated for the careerdata benchmark (synthetic figures).']).commit();
  fields.commit();
  await wb.commit();
  return rows;
}

/** Zip one file under `folder/` with fflate's streaming zip (the xlsx is already compressed). */
async function zipOne(zipPath: string, folder: string, entryName: string, source: string): Promise<void> {
  const out = createWriteStream(zipPath);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  const zip = new Zip((err, chunk, final) => {
    if (err) {
      out.destroy(err);
      return;
    }
    out.write(chunk);
    if (final) out.end();
  });
  const dirEntry = new ZipPassThrough(`${folder}/`);
  zip.add(dirEntry);
  dirEntry.push(new Uint8Array(0), true);
  const entry = new ZipDeflate(`${folder}/${entryName}`, { level: 1 });
  zip.add(entry);
  await pipeline(createReadStream(source), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) entry.push(chunk);
    entry.push(new Uint8Array(0), true);
  });
  zip.end();
  await done;
}

/** `kind` nat/st/ma → `oesm24<kind>.zip` in `dir`; returns the data rows written. */
export async function writeOewsWorkbookZip(
  dir: string,
  kind: 'nat' | 'st' | 'ma',
  areas: Area[],
  occupations: Occupation[],
): Promise<number> {
  const yy = String(RELEASE.year % 100);
  const base = { nat: 'national', st: 'state', ma: 'MSA' }[kind];
  const sheetName = `${base}_M${RELEASE.year}_dl`;
  const tmp = `${dir}/.${sheetName}.xlsx`;
  const rows = await writeXlsx(tmp, sheetName, areas, occupations);
  await zipOne(`${dir}/oesm${yy}${kind}.zip`, `oesm${yy}${kind}`, `${sheetName}.xlsx`, tmp);
  await rm(tmp, { force: true });
  return rows;
}
