/**
 * CareerOneStop responses for every occupation, in the fixture API's layout
 * (`<endpoint>/<onetCode>.json`, endpoint ∈ occupation | certifications | training), in the
 * documented PascalCase shapes. About 2 % of occupations have none (the API answers 404), as upstream.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { random } from './random.js';

const LEVELS = [
  'Less than high school diploma',
  'High school diploma or equivalent',
  'Some college, no degree',
  "Associate's degree",
  "Bachelor's degree",
  "Master's degree",
  'Doctoral or professional degree',
];
const STATES = ['California', 'Texas', 'New York', 'Florida', 'Illinois', 'Ohio', 'Georgia', 'Washington'];
const CITIES = ['Springfield', 'Riverton', 'Lakeside', 'Fairview', 'Oakdale', 'Greenville', 'Milltown'];

export function writeCareerOneStopResponses(
  dir: string,
  detailed: Array<{ soc: string; title: string }>,
): number {
  for (const endpoint of ['occupation', 'certifications', 'training'])
    mkdirSync(path.join(dir, endpoint), { recursive: true });
  let written = 0;
  for (const d of detailed) {
    const rng = random(`c1s:${d.soc}`);
    if (rng.chance(0.02)) continue;
    const onetCode = `${d.soc}.00`;
    const related = Object.fromEntries(
      detailed
        .filter(() => rng.chance(6 / detailed.length))
        .slice(0, 8)
        .map((r) => [`${r.soc}.00`, r.title]),
    );
    let left = 100;
    const attainment = LEVELS.map((level, i) => {
      const v = i === LEVELS.length - 1 ? left : Math.round(left * rng.next() * 0.6 * 10) / 10;
      left = Math.max(0, Math.round((left - v) * 10) / 10);
      return { EducationLevel: level, Value: String(v) };
    });
    const bright = rng.chance(0.3);
    const occupation = {
      OccupationDetail: [
        {
          OnetTitle: d.title,
          OnetCode: onetCode,
          OnetDescription: `Generated description of ${d.title}: ${'plans, performs and reviews the work of the occupation. '.repeat(rng.int(2, 6))}`,
          AlternateTitles: Array.from(
            { length: rng.int(0, 12) },
            (_, i) => `${d.title.split(/[ ,]/)[0]} Specialist ${i + 1}`,
          ),
          RelatedOnetTitles: related,
          BrightOutlook: bright ? 'Bright' : '',
          BrightOutlookCategory: bright
            ? rng.pick(['Rapid Growth', 'Numerous Job Openings', 'Rapid Growth; Numerous Job Openings'])
            : '',
          Green: '',
          COSVideoURL: `https://cdn.careeronestop.org/OccVids/OccupationVideos/${onetCode}.mp4`,
          EducationTraining: {
            EducationTitle: rng.pick(LEVELS),
            ExperienceTitle: rng.pick(['None', 'Up to 1 year', 'One to two years', 'Over 5 years']),
            TrainingTitle: rng.pick(['None', 'Up to 1 month', 'One to two years']),
            EducationCode: String(rng.int(1, 7)),
            ExperienceCode: String(rng.int(1, 5)),
            TrainingCode: String(rng.int(1, 5)),
            OccupationTitle: d.title,
            EducationType: attainment,
          },
          Tasks: [],
          SkillsDataList: [],
          Dwas: [],
          StateLMILinks: null,
        },
      ],
      RecordCount: 1,
      DidYouMean: null,
      MetaData: {
        Publisher: 'CareerOneStop',
        CitationSuggested: 'Generated benchmark response (synthetic).',
      },
    };
    const certs = Array.from({ length: rng.int(0, 14) }, (_, i) => ({
      Id: `${d.soc.replace('-', '')}-${i}`,
      Name: `${d.title} Certificate ${i + 1}`,
      Organization: `Board of ${d.title.split(/[ ,]/)[0]} Practice`,
      OrganizationAddress: '100 Main St., Springfield, IL 62701',
      Acronym: `C${i + 1}`,
      Type: 'Certification',
      Url: `https://certs.example.org/${d.soc}/${i}`,
      Description: 'Generated certification.',
      IsDirectOccupation: true,
      CertAccredAgencyList: [],
      CertDetailList: [{ Name: 'Exam', Value: 'Yes' }],
    }));
    const programs = Array.from({ length: rng.int(0, 30) }, (_, i) => ({
      ID: `${d.soc.replace('-', '')}-${i}`,
      SchoolName: `${rng.pick(CITIES)} Community College`,
      SchoolUrl: `https://college${i}.example.edu`,
      Address: `${rng.int(1, 999)} College Ave`,
      City: rng.pick(CITIES),
      StateName: rng.pick(STATES),
      Zip: String(rng.int(10000, 99999)),
      Phone: '(555) 010-0000',
      Distance: '0',
      ProgramName: `${d.title} Program`,
      ProgramLength: [{ Name: '1 year', Value: '1 year' }],
      CipCode: `51.${String(rng.int(1000, 9999))}`,
    }));
    const json = (endpoint: string, body: unknown) =>
      writeFileSync(path.join(dir, endpoint, `${onetCode}.json`), JSON.stringify(body));
    json('occupation', occupation);
    json('certifications', { RecordCount: certs.length, DidYouMean: null, CertList: certs });
    json('training', { RecordCount: programs.length, DidYouMean: null, SchoolPrograms: programs });
    written++;
  }
  return written;
}
