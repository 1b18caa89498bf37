/**
 * The countries and territories of WVS-7 (v6.0), as data: the numeric code in B_COUNTRY (ISO 3166-1
 * numeric; 909 is the survey's own code for Northern Ireland), the ISO alpha-3 code in
 * B_COUNTRY_ALPHA, a display name for reports and the word persona prompts use for a national
 * ("How proud are you to be <nationality>?"). A country is chosen by either code.
 */

export interface Country {
  /** B_COUNTRY, e.g. 702. */
  code: number;
  /** B_COUNTRY_ALPHA, e.g. "SGP". */
  alpha3: string;
  /** Display name, e.g. "Singapore"; persona prompts say "living in <name>". */
  name: string;
  /** Demonym as the questionnaire fills "[nationality]", e.g. "Singaporean". */
  nationality: string;
  /** The name as prose puts it after "living in", when it differs: "the United States". */
  place?: string;
  /** Customary order of country-specific codes, by variable, first ones first (the rest follow in code order). */
  codeOrder?: Record<string, number[]>;
}

const c = (code: number, alpha3: string, name: string, nationality: string, place?: string): Country =>
  place ? { code, alpha3, name, nationality, place } : { code, alpha3, name, nationality };

/** "living in <place>": "Singapore", "the Netherlands". */
export function countryPlace(country: Country): string {
  return country.place ?? country.name;
}

/** WVS-7 participants (cross-national file v6.0), in code order. */
export const WVS7_COUNTRIES: readonly Country[] = [
  c(20, "AND", "Andorra", "Andorran"),
  c(32, "ARG", "Argentina", "Argentine"),
  c(36, "AUS", "Australia", "Australian"),
  c(50, "BGD", "Bangladesh", "Bangladeshi"),
  c(51, "ARM", "Armenia", "Armenian"),
  c(68, "BOL", "Bolivia", "Bolivian"),
  c(76, "BRA", "Brazil", "Brazilian"),
  c(104, "MMR", "Myanmar", "Myanmar"),
  c(124, "CAN", "Canada", "Canadian"),
  c(152, "CHL", "Chile", "Chilean"),
  c(156, "CHN", "China", "Chinese"),
  c(158, "TWN", "Taiwan", "Taiwanese"),
  c(170, "COL", "Colombia", "Colombian"),
  c(196, "CYP", "Cyprus", "Cypriot"),
  c(203, "CZE", "Czechia", "Czech"),
  c(218, "ECU", "Ecuador", "Ecuadorian"),
  c(231, "ETH", "Ethiopia", "Ethiopian"),
  c(276, "DEU", "Germany", "German"),
  c(300, "GRC", "Greece", "Greek"),
  c(320, "GTM", "Guatemala", "Guatemalan"),
  c(344, "HKG", "Hong Kong", "Hongkonger"),
  c(360, "IDN", "Indonesia", "Indonesian"),
  c(364, "IRN", "Iran", "Iranian"),
  c(368, "IRQ", "Iraq", "Iraqi"),
  c(392, "JPN", "Japan", "Japanese"),
  c(398, "KAZ", "Kazakhstan", "Kazakhstani"),
  c(400, "JOR", "Jordan", "Jordanian"),
  c(404, "KEN", "Kenya", "Kenyan"),
  c(410, "KOR", "South Korea", "South Korean"),
  c(417, "KGZ", "Kyrgyzstan", "Kyrgyz"),
  c(422, "LBN", "Lebanon", "Lebanese"),
  c(434, "LBY", "Libya", "Libyan"),
  c(446, "MAC", "Macao", "Macanese"),
  c(458, "MYS", "Malaysia", "Malaysian"),
  c(462, "MDV", "Maldives", "Maldivian", "the Maldives"),
  c(484, "MEX", "Mexico", "Mexican"),
  c(496, "MNG", "Mongolia", "Mongolian"),
  c(504, "MAR", "Morocco", "Moroccan"),
  c(528, "NLD", "Netherlands", "Dutch", "the Netherlands"),
  c(554, "NZL", "New Zealand", "New Zealander"),
  c(558, "NIC", "Nicaragua", "Nicaraguan"),
  c(566, "NGA", "Nigeria", "Nigerian"),
  c(586, "PAK", "Pakistan", "Pakistani"),
  c(604, "PER", "Peru", "Peruvian"),
  c(608, "PHL", "Philippines", "Filipino", "the Philippines"),
  c(630, "PRI", "Puerto Rico", "Puerto Rican"),
  c(642, "ROU", "Romania", "Romanian"),
  c(643, "RUS", "Russia", "Russian"),
  c(688, "SRB", "Serbia", "Serbian"),
  // Singapore's customary CMIO order for ethnic groups (Chinese, Malay, Indian, Others)
  { ...c(702, "SGP", "Singapore", "Singaporean"), codeOrder: { Q290: [702004, 702006, 702003] } },
  c(703, "SVK", "Slovakia", "Slovak"),
  c(704, "VNM", "Vietnam", "Vietnamese"),
  c(716, "ZWE", "Zimbabwe", "Zimbabwean"),
  c(762, "TJK", "Tajikistan", "Tajik"),
  c(764, "THA", "Thailand", "Thai"),
  c(788, "TUN", "Tunisia", "Tunisian"),
  c(792, "TUR", "Turkey", "Turkish"),
  c(804, "UKR", "Ukraine", "Ukrainian"),
  c(818, "EGY", "Egypt", "Egyptian"),
  c(826, "GBR", "Great Britain", "British"),
  c(840, "USA", "United States", "American", "the United States"),
  c(858, "URY", "Uruguay", "Uruguayan"),
  c(860, "UZB", "Uzbekistan", "Uzbek"),
  c(862, "VEN", "Venezuela", "Venezuelan"),
  c(909, "NIR", "Northern Ireland", "Northern Irish"),
];

/** "702 (SGP, Singapore)": how errors and summaries name a country. */
export function countryLabel(country: Country): string {
  return `${country.code} (${country.alpha3}, ${country.name})`;
}

/** The country a numeric code or ISO alpha-3 code names; a clear error listing the known ones otherwise. */
export function resolveCountry(codeOrAlpha: string | number): Country {
  const s = String(codeOrAlpha).trim();
  const hit = /^\d+$/.test(s) ? WVS7_COUNTRIES.find((x) => x.code === Number(s)) : WVS7_COUNTRIES.find((x) => x.alpha3 === s.toUpperCase());
  if (hit) return hit;
  throw new Error(
    `unknown country "${s}": expected a WVS-7 numeric code or ISO alpha-3 code; known: ` + WVS7_COUNTRIES.map((x) => `${x.code}/${x.alpha3}`).join(", "),
  );
}

/** The country with this B_COUNTRY code, or null (for naming what a file holds). */
export function countryByCode(code: number): Country | null {
  return WVS7_COUNTRIES.find((x) => x.code === code) ?? null;
}
