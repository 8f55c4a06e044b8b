// Enum values: UPPER_SNAKE_CASE in every schema, lower case in every document (as on Connect). The
// mapping is declared once per subgraph (`SubgraphSpec.enums`) and applied by graphql-js itself: the kit
// turns the subgraph's schema into enum value maps (`{ ContractStatus: { ACTIVE: 'active' } }`), so a
// resolver returns the stored value and receives stored values in its arguments (docs/conventions.md).
// `apiEnum` / `storedEnum` remain for what is not an enum in the schema: the String `kind`, `status` and
// `previousStatus` of change subscriptions, error codes' current status, and prose.
import {
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  Kind,
} from 'graphql';

/** Stored value → schema value: `tiers_setup` → `TIERS_SETUP`; null stays null. */
export function apiEnum(stored: string): string;
export function apiEnum(stored: string | null | undefined): string | null;
export function apiEnum(stored: string | null | undefined): string | null {
  return stored ? stored.toUpperCase() : null;
}

/** Schema value → stored value: `TIERS_SETUP` → `tiers_setup`. */
export const storedEnum = <T extends string = string>(value: string): T => value.toLowerCase() as T;

/** How a subgraph stores the values of its schema's enums; by default, `storedEnum` of each value. */
export interface EnumStorage {
  /** enums whose values are stored exactly as the schema spells them (roles, currencies' codes, …) */
  asIs?: readonly string[];
  /** values stored in another form, by enum and value (`{ ItemPrecision: { DECIMAL_2: 'decimal(2)' } }`) */
  values?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The enum value maps of every enum a schema defines or extends, for the subgraph's resolvers. */
export function enumValueMaps(
  typeDefs: DocumentNode,
  storage: EnumStorage = {},
): Record<string, Record<string, string>> {
  const maps: Record<string, Record<string, string>> = {};
  const asIs = new Set(storage.asIs ?? []);
  for (const def of typeDefs.definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION && def.kind !== Kind.ENUM_TYPE_EXTENSION) continue;
    const name = def.name.value;
    const own = storage.values?.[name] ?? {};
    maps[name] ??= {};
    const map = maps[name];
    for (const v of def.values ?? []) {
      const value = v.name.value;
      map[value] = own[value] ?? (asIs.has(name) ? value : storedEnum(value));
    }
  }
  for (const name of [...asIs, ...Object.keys(storage.values ?? {})]) {
    if (!maps[name]) throw new Error(`enum storage names ${name}, which the schema does not define`);
  }
  return maps;
}

/**
 * Argument and input field defaults (`documentType: AgreementDocumentType = NONE`) are coerced when the
 * schema is built, before the maps are added, so they would reach a resolver as the schema's spelling.
 * This maps them like every other value; `buildSubgraphSchema` leaves them alone.
 */
export function mapEnumDefaults(schema: GraphQLSchema, maps: Record<string, Record<string, string>>): void {
  const fix = (a: GraphQLArgument | GraphQLInputField) => {
    const named = getNamedType(a.type);
    const map = isEnumType(named) ? maps[named.name] : undefined;
    if (!map || a.defaultValue === undefined || a.defaultValue === null) return;
    const one = (v: unknown) => (typeof v === 'string' && v in map ? map[v] : v);
    a.defaultValue = Array.isArray(a.defaultValue) ? a.defaultValue.map(one) : one(a.defaultValue);
  };
  for (const t of Object.values(schema.getTypeMap())) {
    if (isInputObjectType(t)) for (const f of Object.values(t.getFields())) fix(f);
    if (isObjectType(t)) for (const f of Object.values(t.getFields())) for (const a of f.args) fix(a);
  }
}
