// Every parameter rule of §2.4, allowed and refused (definitions: scope × phase, choices, constraints,
// immutable type/scope/phase), and the pure validation of values against definitions, type by type.
import { describe, expect, it } from 'vitest';
import { addParameter, deleteParameter, editParameter } from '../src/domain/master.js';
import {
  checkParameter,
  checkParameterValues,
  type ParameterDef,
  SCOPES_OF_PHASE,
  valueError,
} from '../src/domain/parameters.js';
import { PARAMETER_PHASES, PARAMETER_SCOPES, PARAMETER_TYPES } from '../src/domain/vocabulary.js';
import { param, paramFields, state, verdict } from './fixtures.js';

const check = (patch: Parameters<typeof paramFields>[0], others: ParameterDef[] = []) =>
  verdict(() => checkParameter(paramFields(patch), others));
const choices = [
  { label: 'A', value: 'a' },
  { label: 'B', value: 'b' },
];

describe('parameter definitions', () => {
  it('allows exactly the scopes of each phase (every phase × scope)', () => {
    const wrong: string[] = [];
    for (const phase of PARAMETER_PHASES) {
      for (const scope of PARAMETER_SCOPES) {
        const got = check({ phase, scope });
        const want = SCOPES_OF_PHASE[phase].includes(scope) ? 'ok' : 'BAD_USER_INPUT input.scope';
        if (got !== want) wrong.push(`${phase} × ${scope}: ${got}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(SCOPES_OF_PHASE.ordering).toEqual(['asset', 'tier1', 'tier2']);
    expect(SCOPES_OF_PHASE.fulfillment).toEqual(['asset', 'tier1', 'tier2']);
    expect(SCOPES_OF_PHASE.configuration).toEqual(['product', 'item', 'marketplace', 'item_marketplace']);
  });

  it('every type can be defined (with choices where it needs them)', () => {
    for (const type of PARAMETER_TYPES) {
      const needs = type === 'choice' || type === 'dropdown';
      expect(check({ type, constraints: needs ? { choices } : {} }), type).toBe('ok');
    }
  });

  it('a choice or dropdown without choices is refused; only choice, dropdown and checkbox take choices', () => {
    expect(check({ type: 'choice' })).toBe('BAD_USER_INPUT input.constraints.choices');
    expect(check({ type: 'dropdown' })).toBe('BAD_USER_INPUT input.constraints.choices');
    expect(check({ type: 'checkbox' })).toBe('ok');
    expect(check({ type: 'checkbox', constraints: { choices } })).toBe('ok');
    expect(check({ type: 'text', constraints: { choices } })).toBe(
      'BAD_USER_INPUT input.constraints.choices',
    );
  });

  it('choices have a label and a value, each value once', () => {
    expect(check({ type: 'choice', constraints: { choices: [{ label: 'A', value: '' }] } })).toBe(
      'BAD_USER_INPUT input.constraints.choices[0]',
    );
    expect(
      check({ type: 'choice', constraints: { choices: [...choices, { label: 'A again', value: 'a' }] } }),
    ).toBe('BAD_USER_INPUT input.constraints.choices[2]');
  });

  it('headings and content carry no value: not required, unique or reconciliation', () => {
    for (const type of ['heading', 'content'] as const) {
      expect(check({ type })).toBe('ok');
      expect(check({ type, constraints: { required: true } })).toBe('BAD_USER_INPUT input.constraints');
      expect(check({ type, constraints: { unique: true } })).toBe('BAD_USER_INPUT input.constraints');
    }
  });

  it('reconciliation marks an ordering or fulfillment asset parameter', () => {
    expect(check({ constraints: { reconciliation: true } })).toBe('ok');
    expect(check({ phase: 'fulfillment', constraints: { reconciliation: true } })).toBe('ok');
    expect(check({ scope: 'tier1', constraints: { reconciliation: true } })).toBe(
      'BAD_USER_INPUT input.constraints.reconciliation',
    );
    expect(check({ phase: 'configuration', scope: 'product', constraints: { reconciliation: true } })).toBe(
      'BAD_USER_INPUT input.constraints.reconciliation',
    );
  });

  it('only configuration parameters are shared', () => {
    expect(check({ phase: 'configuration', scope: 'marketplace', constraints: { shared: 'view' } })).toBe(
      'ok',
    );
    expect(check({ constraints: { shared: 'edit' } })).toBe('BAD_USER_INPUT input.constraints.shared');
  });

  it('length bounds apply to text and password, and are consistent', () => {
    expect(check({ type: 'password', constraints: { minLength: 8, maxLength: 64 } })).toBe('ok');
    expect(check({ type: 'email', constraints: { minLength: 3 } })).toBe('BAD_USER_INPUT input.constraints');
    expect(check({ constraints: { minLength: 10, maxLength: 5 } })).toBe(
      'BAD_USER_INPUT input.constraints.minLength',
    );
    expect(check({ constraints: { minLength: -1 } })).toBe('BAD_USER_INPUT input.constraints');
  });

  it('a dependency names another parameter of the same phase, with values', () => {
    const plan = param(1, { name: 'plan', type: 'choice', constraints: { choices } });
    const dep = (d: { parameter: string; values: string[] }) => ({ constraints: { dependency: d } });
    expect(check(dep({ parameter: 'plan', values: ['a'] }), [plan])).toBe('ok');
    expect(check(dep({ parameter: 'nope', values: ['a'] }), [plan])).toBe(
      'BAD_USER_INPUT input.constraints.dependency.parameter',
    );
    expect(check({ name: 'plan', ...dep({ parameter: 'plan', values: ['a'] }) }, [])).toBe(
      'BAD_USER_INPUT input.constraints.dependency.parameter',
    );
    expect(check({ phase: 'fulfillment', ...dep({ parameter: 'plan', values: ['a'] }) }, [plan])).toBe(
      'BAD_USER_INPUT input.constraints.dependency.parameter',
    );
    expect(check(dep({ parameter: 'plan', values: [] }), [plan])).toBe(
      'BAD_USER_INPUT input.constraints.dependency.values',
    );
  });

  it('names are keys: letters, digits, _ and -, unique in the product', () => {
    const s = state({ parameters: [param(1, { name: 'tenant' })] });
    expect(verdict(() => addParameter(s, paramFields({ name: 'tenant' })))).toBe('BAD_USER_INPUT input.name');
    expect(verdict(() => addParameter(s, paramFields({ name: 'has space' })))).toBe(
      'BAD_USER_INPUT input.name',
    );
    expect(verdict(() => addParameter(s, paramFields({ name: 'tenant_2' })))).toBe('ok');
    expect(verdict(() => addParameter(s, paramFields({ name: 'x', title: ' ' })))).toBe(
      'BAD_USER_INPUT input.title',
    );
  });

  it('a default value must itself be valid', () => {
    expect(check({ type: 'email', defaultValue: 'a@b.example' })).toBe('ok');
    expect(check({ type: 'email', defaultValue: 'nope' })).toBe('BAD_USER_INPUT input.defaultValue');
  });

  it('type, scope and phase never change; the name not once published', () => {
    const s = state({ parameters: [param(1), param(2, { published: true })] });
    const id1 = param(1)._id;
    expect(verdict(() => editParameter(s, id1, { type: 'email' }))).toBe('BAD_USER_INPUT input.type');
    expect(verdict(() => editParameter(s, id1, { scope: 'tier1' }))).toBe('BAD_USER_INPUT input.scope');
    expect(verdict(() => editParameter(s, id1, { phase: 'fulfillment' }))).toBe('BAD_USER_INPUT input.phase');
    expect(verdict(() => editParameter(s, id1, { name: 'renamed', title: 'New' }))).toBe('ok');
    expect(verdict(() => editParameter(s, param(2)._id, { name: 'renamed' }))).toBe(
      'BAD_USER_INPUT input.name',
    );
    expect(verdict(() => editParameter(s, param(2)._id, { title: 'Still fine' }))).toBe('ok');
  });

  it('a parameter others depend on is neither deleted nor renamed', () => {
    const s = state({
      parameters: [
        param(1, { name: 'plan' }),
        param(2, { constraints: { dependency: { parameter: 'plan', values: ['a'] } } }),
      ],
    });
    expect(verdict(() => deleteParameter(s, param(1)._id))).toBe('BAD_USER_INPUT input.parameter');
    expect(verdict(() => editParameter(s, param(1)._id, { name: 'plan2' }))).toBe(
      'BAD_USER_INPUT input.name',
    );
    expect(verdict(() => deleteParameter(s, param(2)._id))).toBe('ok');
  });
});

describe('parameter values', () => {
  const def = (type: ParameterDef['type'], constraints: Partial<ParameterDef['constraints']> = {}) =>
    param(1, { type, constraints: { ...constraints } });
  // [type, constraints, valid values, invalid values]
  const CASES: [ParameterDef['type'], Partial<ParameterDef['constraints']>, string[], string[]][] = [
    ['text', { minLength: 2, maxLength: 5 }, ['ab', 'abcde'], ['a', 'abcdef']],
    ['password', { minLength: 8 }, ['s3cret-pass'], ['short']],
    ['email', {}, ['ops@acme.example'], ['ops', 'ops@acme', 'a b@c.de']],
    ['checkbox', {}, ['true', 'false'], ['yes']],
    ['checkbox', { choices }, ['a', 'a,b', '["a","b"]'], ['c', 'a,c']],
    ['choice', { choices }, ['a', 'b'], ['c', 'A']],
    ['dropdown', { choices }, ['b'], ['z']],
    ['subdomain', {}, ['acme', 'acme-eu'], ['-acme', 'acme.eu', 'a_b']],
    ['domain', {}, ['acme.example', 'mail.acme.co.uk'], ['acme', 'acme..example', 'http://acme.example']],
    ['url', {}, ['https://acme.example/x', 'http://localhost:8080'], ['ftp://acme.example', 'acme.example']],
    ['phone', {}, ['+1 555 0100', '(030) 1234567'], ['call me', '+1']],
    [
      'address',
      {},
      ['{"address_line1":"1 Main St","city":"Springfield","postal_code":"12345","country":"US"}'],
      ['1 Main St', '{"address_line1":"1 Main St"}'],
    ],
    ['object', {}, ['{"a":1}', '{}'], ['[1]', 'x', '1']],
  ];

  it.each(CASES)('%s %j: accepts its values and refuses the others', (type, constraints, good, bad) => {
    for (const v of good) expect(valueError(def(type, constraints), v), v).toBeNull();
    for (const v of bad) expect(valueError(def(type, constraints), v), v).not.toBeNull();
  });

  it('headings and content take no value', () => {
    expect(valueError(def('heading'), null)).toBeNull();
    expect(valueError(def('content'), 'x')).toMatch(/no value/);
  });

  it('an empty value is an error only when required (and applicable)', () => {
    for (const empty of [null, undefined, '', '  ']) {
      expect(valueError(def('text'), empty)).toBeNull();
      expect(valueError(def('text', { required: true }), empty)).toBe('required');
      expect(valueError(def('text', { required: true }), empty, false)).toBeNull();
    }
  });

  it('checks values against definitions: one check per definition, then unknown names', () => {
    const defs = [
      param(2, { name: 'plan', type: 'choice', position: 2, constraints: { required: true, choices } }),
      param(1, { name: 'tenant', position: 1, constraints: { required: true } }),
      param(3, {
        name: 'seats_note',
        position: 3,
        constraints: { required: true, dependency: { parameter: 'plan', values: ['b'] } },
      }),
    ];
    expect(
      checkParameterValues(defs, [
        { name: 'plan', value: 'a' },
        { name: 'stray', value: 'x' },
      ]),
    ).toEqual([
      { name: 'tenant', valid: false, error: 'required' },
      { name: 'plan', valid: true, error: null },
      { name: 'seats_note', valid: true, error: null }, // dependency not met: not required
      { name: 'stray', valid: false, error: 'unknown parameter' },
    ]);
    const met = checkParameterValues(defs, [
      { name: 'tenant', value: 'acme' },
      { name: 'plan', value: 'b' },
    ]);
    expect(met.find((c) => c.name === 'seats_note')).toEqual({
      name: 'seats_note',
      valid: false,
      error: 'required',
    });
    const twice = checkParameterValues(defs, [
      { name: 'tenant', value: 'a' },
      { name: 'tenant', value: 'b' },
    ]);
    expect(twice[0]).toEqual({ name: 'tenant', valid: false, error: 'given twice' });
  });
});
