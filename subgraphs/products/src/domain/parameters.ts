// Parameters (§2.4): their definitions, the rules a definition obeys, and the validation of a value
// against its definition: a pure function that requests uses (through the API) for ordering and
// fulfillment values.
import { apiEnum, badInput } from '@daas/kit';
import {
  optionalText,
  type ParameterPhase,
  type ParameterScope,
  type ParameterType,
  text,
} from './vocabulary.js';

export interface Choice {
  label: string;
  value: string;
}

export interface Constraints {
  required: boolean;
  hidden: boolean;
  unique: boolean;
  readonly: boolean;
  /** the asset parameter usage files use as `asset_recon_id` */
  reconciliation: boolean;
  /** configuration values distributors may see or edit */
  shared: 'view' | 'edit' | null;
  minLength: number | null;
  maxLength: number | null;
  choices: Choice[];
  /** applies (and is required) only when `parameter` has one of `values` */
  dependency: { parameter: string; values: string[] } | null;
}

export interface ParameterDef {
  _id: string;
  /** the vendor's key: params on assets and requests are named by it */
  name: string;
  title: string;
  description: string | null;
  type: ParameterType;
  scope: ParameterScope;
  phase: ParameterPhase;
  hint: string | null;
  placeholder: string | null;
  defaultValue: string | null;
  position: number;
  constraints: Constraints;
  /** in a published version: its name is then fixed (values are keyed by it) */
  published?: boolean;
}

export const DEFAULT_CONSTRAINTS: Constraints = {
  required: false,
  hidden: false,
  unique: false,
  readonly: false,
  reconciliation: false,
  shared: null,
  minLength: null,
  maxLength: null,
  choices: [],
  dependency: null,
};

/** Which scopes each phase allows (connect-cli): buyer and vendor values per asset or tier; static per product. */
export const SCOPES_OF_PHASE: Record<ParameterPhase, readonly ParameterScope[]> = {
  ordering: ['asset', 'tier1', 'tier2'],
  fulfillment: ['asset', 'tier1', 'tier2'],
  configuration: ['product', 'item', 'marketplace', 'item_marketplace'],
};

/** Types that carry no value: they only structure the form. */
export const DISPLAY_ONLY: readonly ParameterType[] = ['heading', 'content'];
/** Types whose value is one (or, checkbox, several) of the choices. */
export const WITH_CHOICES: readonly ParameterType[] = ['choice', 'dropdown', 'checkbox'];
export const CHOICES_REQUIRED: readonly ParameterType[] = ['choice', 'dropdown'];
export const WITH_LENGTH: readonly ParameterType[] = ['text', 'password'];
/** Fixed at creation: values already collected are of that type, scope and phase. */
export const IMMUTABLE = ['type', 'scope', 'phase'] as const;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export type ParameterFields = Omit<ParameterDef, '_id' | 'position' | 'published'>;

/** Normalises free text and fills absent constraints. */
export function cleanParameterFields(f: ParameterFields): ParameterFields {
  const name = (f.name ?? '').trim();
  if (!NAME.test(name)) {
    throw badInput(
      'input.name',
      'letters, digits, _ and - only, 1 to 64 characters (it is the key of the value)',
    );
  }
  return {
    ...f,
    name,
    title: text(f.title, 'input.title', 255),
    description: optionalText(f.description, 'input.description', 4000),
    hint: optionalText(f.hint, 'input.hint', 1000),
    placeholder: optionalText(f.placeholder, 'input.placeholder', 255),
    defaultValue: f.defaultValue ?? null,
    constraints: {
      ...DEFAULT_CONSTRAINTS,
      ...f.constraints,
      choices: (f.constraints?.choices ?? []).map((c) => ({ label: c.label.trim(), value: c.value.trim() })),
    },
  };
}

/** Every rule a definition obeys on a product whose other parameters are `others`. */
export function checkParameter(p: ParameterFields & { _id?: string }, others: readonly ParameterDef[]): void {
  const c = p.constraints;
  if (!SCOPES_OF_PHASE[p.phase].includes(p.scope)) {
    throw badInput(
      'input.scope',
      `a ${p.phase} parameter has scope ${SCOPES_OF_PHASE[p.phase].map((s) => apiEnum(s)).join(', ')}`,
    );
  }
  if (CHOICES_REQUIRED.includes(p.type) && c.choices.length === 0) {
    throw badInput('input.constraints.choices', `a ${p.type} parameter needs at least one choice`);
  }
  if (!WITH_CHOICES.includes(p.type) && c.choices.length > 0) {
    throw badInput('input.constraints.choices', `a ${p.type} parameter takes no choices`);
  }
  const values = new Set<string>();
  for (const [i, choice] of c.choices.entries()) {
    if (!choice.value || !choice.label) {
      throw badInput(`input.constraints.choices[${i}]`, 'a choice needs a label and a value');
    }
    if (values.has(choice.value)) throw badInput(`input.constraints.choices[${i}]`, `${choice.value} twice`);
    values.add(choice.value);
  }
  if (DISPLAY_ONLY.includes(p.type) && (c.required || c.unique || c.reconciliation)) {
    throw badInput(
      'input.constraints',
      `a ${p.type} parameter carries no value: it cannot be required, unique or reconciliation`,
    );
  }
  if (c.reconciliation && !(p.scope === 'asset' && p.phase !== 'configuration')) {
    throw badInput(
      'input.constraints.reconciliation',
      'only an ordering or fulfillment parameter of the asset identifies it in usage',
    );
  }
  if (c.shared && p.phase !== 'configuration') {
    throw badInput('input.constraints.shared', 'only configuration parameters are shared with distributors');
  }
  if ((c.minLength !== null || c.maxLength !== null) && !WITH_LENGTH.includes(p.type)) {
    throw badInput('input.constraints', `length bounds apply to text and password parameters, not ${p.type}`);
  }
  if ((c.minLength ?? 0) < 0 || (c.maxLength ?? 0) < 0)
    throw badInput('input.constraints', 'lengths are not negative');
  if (c.minLength !== null && c.maxLength !== null && c.minLength > c.maxLength) {
    throw badInput('input.constraints.minLength', 'greater than maxLength');
  }
  if (c.dependency) {
    const dep = c.dependency;
    const target = others.find((o) => o.name === dep.parameter && o._id !== p._id);
    if (dep.parameter === p.name || !target) {
      throw badInput('input.constraints.dependency.parameter', `no other parameter named ${dep.parameter}`);
    }
    if (target.phase !== p.phase) {
      throw badInput('input.constraints.dependency.parameter', `${dep.parameter} is filled in another phase`);
    }
    if (dep.values.length === 0) throw badInput('input.constraints.dependency.values', 'at least one value');
  }
  const twin = others.find((o) => o._id !== p._id && o.name === p.name);
  if (twin) throw badInput('input.name', `parameter ${twin._id} is already named ${p.name}`);
  if (p.defaultValue !== null) {
    const error = valueError({ ...p, constraints: { ...c, required: false } }, p.defaultValue);
    if (error) throw badInput('input.defaultValue', error);
  }
}

/** Type, scope and phase never change; the name neither once a published version has the parameter. */
export function checkParameterEdit(current: ParameterDef, next: ParameterFields): void {
  for (const f of IMMUTABLE) {
    if (current[f] !== next[f]) {
      throw badInput(`input.${f}`, `the ${f} of parameter ${current._id} is fixed once created`);
    }
  }
  if (current.published && current.name !== next.name) {
    throw badInput(
      'input.name',
      `parameter ${current._id} is in a published version: values are keyed by its name`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Values

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const PHONE = /^\+?[0-9(][0-9 ().-]{4,24}$/;
const ADDRESS_FIELDS = ['address_line1', 'city', 'postal_code', 'country'] as const;

function jsonObject(value: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(value) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Checkbox values: a JSON array or a comma-separated list of choice values. */
function selected(value: string): string[] {
  try {
    const v = JSON.parse(value) as unknown;
    if (Array.isArray(v)) return v.map(String);
  } catch {
    // not JSON: a list
  }
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Why `value` is not a valid value of `p` (null: it is). `applicable` is false when the parameter's
 * dependency is not met: it is then not required. Uniqueness across assets is not a property of one value
 * and is left to the owner of the values (requests).
 */
export function valueError(
  p: Pick<ParameterDef, 'type' | 'constraints'>,
  value: string | null | undefined,
  applicable = true,
): string | null {
  const c = p.constraints;
  const empty = value === null || value === undefined || value.trim() === '';
  if (DISPLAY_ONLY.includes(p.type)) return empty ? null : `a ${p.type} parameter takes no value`;
  if (empty) return c.required && applicable ? 'required' : null;
  const v = value!.trim();
  const choices = c.choices.map((x) => x.value);
  switch (p.type) {
    case 'text':
    case 'password':
      if (c.minLength !== null && v.length < c.minLength) return `at least ${c.minLength} characters`;
      if (c.maxLength !== null && v.length > c.maxLength) return `at most ${c.maxLength} characters`;
      return null;
    case 'email':
      return EMAIL.test(v) ? null : 'not an email address';
    case 'choice':
    case 'dropdown':
      return choices.includes(v) ? null : `one of ${choices.join(', ')}`;
    case 'checkbox': {
      if (choices.length === 0) return v === 'true' || v === 'false' ? null : 'true or false';
      const bad = selected(v).find((s) => !choices.includes(s));
      return bad === undefined ? null : `${bad} is not one of ${choices.join(', ')}`;
    }
    case 'subdomain':
      return LABEL.test(v) ? null : 'not a subdomain (letters, digits and -, up to 63)';
    case 'domain':
      return DOMAIN.test(v) ? null : 'not a domain name';
    case 'url':
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:' ? null : 'an http or https URL';
      } catch {
        return 'not a URL';
      }
    case 'phone':
      return PHONE.test(v) && (v.match(/\d/g)?.length ?? 0) >= 5 ? null : 'not a phone number';
    case 'address': {
      const o = jsonObject(v);
      if (!o) return 'a JSON object with address_line1, city, postal_code and country';
      const missing = ADDRESS_FIELDS.filter((f) => typeof o[f] !== 'string' || !(o[f] as string).trim());
      return missing.length ? `missing ${missing.join(', ')}` : null;
    }
    case 'object':
      return jsonObject(v) ? null : 'a JSON object';
    default:
      return null;
  }
}

export interface ValueInput {
  name: string;
  value?: string | null;
}

export interface ValueCheck {
  name: string;
  valid: boolean;
  error: string | null;
}

/**
 * One check per definition (in their order), then one per value naming no definition. A dependency is met
 * when the named parameter's given value is one of its values (checkbox: any selected one).
 */
export function checkParameterValues(
  defs: readonly ParameterDef[],
  values: readonly ValueInput[],
): ValueCheck[] {
  const given = new Map<string, string | null>();
  const twice = new Set<string>();
  for (const v of values) {
    if (given.has(v.name)) twice.add(v.name);
    given.set(v.name, v.value ?? null);
  }
  const met = (p: ParameterDef) => {
    const dep = p.constraints.dependency;
    if (!dep) return true;
    const v = given.get(dep.parameter);
    return v !== null && v !== undefined && selected(v).some((s) => dep.values.includes(s));
  };
  const checks: ValueCheck[] = [...defs]
    .sort((a, b) => a.position - b.position)
    .map((p) => {
      const error = twice.has(p.name) ? 'given twice' : valueError(p, given.get(p.name), met(p));
      return { name: p.name, valid: error === null, error };
    });
  const known = new Set(defs.map((d) => d.name));
  for (const name of new Set(values.map((v) => v.name))) {
    if (!known.has(name)) checks.push({ name, valid: false, error: 'unknown parameter' });
  }
  return checks;
}
