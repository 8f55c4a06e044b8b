// An extension's three environments and their variables.
import { badInput, childId, requiredText } from '@daas/kit';

export const ENVIRONMENT_TYPES = ['development', 'test', 'production'] as const;
export type EnvironmentType = (typeof ENVIRONMENT_TYPES)[number];

/** ENV-…-01 development, -02 test, -03 production: the runner derives SRVC-… back from it. */
export const environmentIds = (extension: string) =>
  ENVIRONMENT_TYPES.map((type, i) => ({ id: childId('extensionEnvironment', extension, i + 1), type }));

export interface Variable {
  name: string;
  value: string;
  secure: boolean;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/** The variables a vendor sets: names like environment variables, each once. */
export function validVariables(vars: { name: string; value: string; secure?: boolean | null }[]): Variable[] {
  const seen = new Set<string>();
  return vars.map((v, i) => {
    const name = requiredText(v.name, `input.variables[${i}].name`);
    if (!VARIABLE_NAME.test(name)) {
      throw badInput(`input.variables[${i}].name`, 'a variable name is letters, digits and _');
    }
    if (seen.has(name)) throw badInput(`input.variables[${i}].name`, `${name} is given twice`);
    seen.add(name);
    return { name, value: v.value, secure: v.secure === true };
  });
}

/**
 * Variables a runner declares with initial values (its setup_request) fill in names the vendor has not
 * set; the vendor's values win.
 */
export function mergeDeclared(current: Variable[], declared: unknown): Variable[] {
  if (!Array.isArray(declared)) return current;
  const out = [...current];
  for (const d of declared) {
    if (!d || typeof d !== 'object') continue;
    const { name, initial_value, secure } = d as Record<string, unknown>;
    if (typeof name !== 'string' || !VARIABLE_NAME.test(name) || out.some((v) => v.name === name)) continue;
    out.push({
      name,
      value: typeof initial_value === 'string' ? initial_value.slice(0, 10_000) : '',
      secure: secure === true,
    });
  }
  return out;
}
