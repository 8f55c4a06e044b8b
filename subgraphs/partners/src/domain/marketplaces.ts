// Marketplace rules: currencies and countries are checked against ISO code lists.
import { badInput } from '@daas/kit';

// ISO-4217 codes in use by the platform's markets; extend as markets open.
const CURRENCIES = new Set(
  'USD EUR GBP CHF JPY CNY AUD CAD NZD SEK NOK DKK PLN CZK HUF RON BGN TRY RUB UAH INR SGD HKD KRW MXN BRL ARS CLP COP PEN ZAR AED SAR ILS EGP NGN KES THB MYR IDR PHP VND TWD'.split(
    ' ',
  ),
);

// ISO-3166-1 alpha-2.
const COUNTRIES = new Set(
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.split(
    ' ',
  ),
);

export function validCurrency(code: string, field = 'currency'): string {
  if (!CURRENCIES.has(code)) throw badInput(field, `unknown ISO-4217 currency code ${JSON.stringify(code)}`);
  return code;
}

export function validCountries(codes: string[], field = 'countries'): string[] {
  if (codes.length === 0) throw badInput(field, 'at least one country is required');
  for (const c of codes) {
    if (!COUNTRIES.has(c)) throw badInput(field, `unknown ISO-3166 country code ${JSON.stringify(c)}`);
  }
  return [...new Set(codes)];
}

export const ZONES = ['AF', 'NA', 'OC', 'AS', 'EU', 'SA'] as const;
export type Zone = (typeof ZONES)[number];

/** Marketplace names are unique per owning account, case-insensitively (claimed at creation). */
export const marketplaceNameKey = (owner: string, name: string) =>
  `marketplace-name:${owner}:${name.trim().toLowerCase()}`;
