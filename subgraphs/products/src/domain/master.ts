// Edits of a product's master (docs/domain.md#products and the sections after it), as pure functions of the product's current state: each checks
// the rules and returns the fields to set. The flow runs them inside one compare-and-set change of the
// product document, so two edits never both pass a check only one of them may pass (unique MPN, unique
// parameter name, a ppu item against a capability being disabled).
import { badInput, childId } from '@daas/kit';
import { type CapabilitiesChange, changeCapabilities } from './capabilities.js';
import { checkItem, checkItemEdit, cleanItemFields, type ItemDef, type ItemFields } from './items.js';
import {
  checkParameter,
  checkParameterEdit,
  cleanParameterFields,
  type ParameterDef,
  type ParameterFields,
} from './parameters.js';
import { itemTransition, type Party } from './product-machine.js';
import { cleanGeneral, type GeneralFields, type ProductContent, type ProductState } from './products.js';
import { cleanTemplateFields, type TemplateDef, type TemplateFields } from './templates.js';

export interface MasterEdit {
  set: Partial<ProductState>;
  /** the item, parameter or template the edit is about */
  subject?: string;
  /** an edit of what versions freeze (status changes of items are not: they are live) */
  versioned: boolean;
}

type State = Pick<ProductState, '_id' | 'master' | 'itemSeq' | 'paramSeq' | 'templateIds'>;

const master = (s: State, patch: Partial<ProductContent>) => ({ ...s.master, ...patch });

function itemOf(s: State, id: string): ItemDef {
  const item = s.master.items.find((i) => i._id === id);
  if (!item) throw badInput('input.item', `no item ${id}`);
  return item;
}

function parameterOf(s: State, id: string): ParameterDef {
  const p = s.master.parameters.find((x) => x._id === id);
  if (!p) throw badInput('input.parameter', `no parameter ${id} on the master (versions keep deleted ones)`);
  return p;
}

function templateOf(s: State, id: string): TemplateDef {
  const t = s.master.templates.find((x) => x._id === id);
  if (!t) throw badInput('input.template', `no template ${id} on the master (versions keep deleted ones)`);
  return t;
}

export function editGeneral(s: State, fields: Partial<GeneralFields>): MasterEdit {
  return { set: { master: master(s, cleanGeneral(fields, s.master)) }, versioned: true };
}

export function editCapabilities(s: State, change: CapabilitiesChange): MasterEdit {
  const capabilities = changeCapabilities(s.master.capabilities, change, s.master.items);
  return { set: { master: master(s, { capabilities }) }, versioned: true };
}

// ---------------------------------------------------------------------------------------------------
// Items

export function addItem(s: State, party: Party | null, fields: ItemFields): MasterEdit {
  itemTransition(null, 'create', party);
  const clean = cleanItemFields(fields);
  checkItem(clean, s.master.capabilities, s.master.items);
  const seq = s.itemSeq + 1;
  const item: ItemDef = {
    ...clean,
    _id: childId('item', s._id, seq),
    status: 'draft',
    replacement: null,
    position: s.master.items.length + 1,
  };
  return {
    set: { master: master(s, { items: [...s.master.items, item] }), itemSeq: seq },
    subject: item._id,
    versioned: true,
  };
}

export function editItem(s: State, party: Party | null, id: string, patch: Partial<ItemFields>): MasterEdit {
  const current = itemOf(s, id);
  itemTransition(current, 'edit', party);
  const defined = Object.fromEntries(
    Object.entries(patch).filter(([, v]) => v !== undefined),
  ) as Partial<ItemFields>;
  const next = cleanItemFields({ ...current, ...defined });
  checkItemEdit(current, next);
  checkItem({ ...next, _id: id }, s.master.capabilities, s.master.items);
  const items = s.master.items.map((i) => (i._id === id ? { ...i, ...next } : i));
  return { set: { master: master(s, { items }) }, subject: id, versioned: true };
}

export function deleteItem(s: State, party: Party | null, id: string): MasterEdit {
  itemTransition(itemOf(s, id), 'delete', party);
  const items = s.master.items.filter((i) => i._id !== id).map((i, n) => ({ ...i, position: n + 1 }));
  return { set: { master: master(s, { items }) }, subject: id, versioned: true };
}

/** End of sale of an item (optionally naming a published item of the product replacing it), and back. */
export function itemSale(
  s: State,
  party: Party | null,
  id: string,
  action: 'endSale' | 'resumeSale',
  replacement: string | null = null,
): MasterEdit {
  const t = itemTransition(itemOf(s, id), action, party);
  if (replacement !== null) {
    const r = s.master.items.find((i) => i._id === replacement);
    if (!r || r._id === id || r.status !== 'published') {
      throw badInput('input.replacement', `no other published item ${replacement} of this product`);
    }
  }
  const items = s.master.items.map((i) =>
    i._id === id
      ? { ...i, status: t.to as ItemDef['status'], replacement: action === 'endSale' ? replacement : null }
      : i,
  );
  // The sale status is live (it applies to every version): not a change of the master's content.
  return { set: { master: master(s, { items }) }, subject: id, versioned: false };
}

// ---------------------------------------------------------------------------------------------------
// Parameters

export function addParameter(s: State, fields: ParameterFields): MasterEdit {
  const clean = cleanParameterFields(fields);
  checkParameter(clean, s.master.parameters);
  const seq = s.paramSeq + 1;
  const p: ParameterDef = {
    ...clean,
    _id: childId('parameter', s._id, seq),
    position: s.master.parameters.length + 1,
  };
  return {
    set: { master: master(s, { parameters: [...s.master.parameters, p] }), paramSeq: seq },
    subject: p._id,
    versioned: true,
  };
}

export function editParameter(s: State, id: string, patch: Partial<ParameterFields>): MasterEdit {
  const current = parameterOf(s, id);
  const defined = Object.fromEntries(
    Object.entries(patch).filter(([, v]) => v !== undefined),
  ) as Partial<ParameterFields>;
  const next = cleanParameterFields({ ...current, ...defined });
  checkParameterEdit(current, next);
  checkParameter({ ...next, _id: id }, s.master.parameters);
  const renamed = current.name !== next.name;
  const dependent =
    renamed && s.master.parameters.find((p) => p.constraints.dependency?.parameter === current.name);
  if (dependent) throw badInput('input.name', `parameter ${dependent._id} depends on ${current.name}`);
  const parameters = s.master.parameters.map((p) => (p._id === id ? { ...p, ...next } : p));
  return { set: { master: master(s, { parameters }) }, subject: id, versioned: true };
}

export function deleteParameter(s: State, id: string): MasterEdit {
  const current = parameterOf(s, id);
  const dependent = s.master.parameters.find((p) => p.constraints.dependency?.parameter === current.name);
  if (dependent) throw badInput('input.parameter', `parameter ${dependent._id} depends on ${current.name}`);
  const parameters = s.master.parameters
    .filter((p) => p._id !== id)
    .map((p, n) => ({ ...p, position: n + 1 }));
  return { set: { master: master(s, { parameters }) }, subject: id, versioned: true };
}

// ---------------------------------------------------------------------------------------------------
// Templates

export function addTemplate(s: State, id: string, fields: TemplateFields): MasterEdit {
  const t: TemplateDef = { ...cleanTemplateFields(fields), _id: id };
  return {
    set: {
      master: master(s, { templates: [...s.master.templates, t] }),
      templateIds: [...s.templateIds, id],
    },
    subject: id,
    versioned: true,
  };
}

export function editTemplate(s: State, id: string, patch: Partial<TemplateFields>): MasterEdit {
  const current = templateOf(s, id);
  const defined = Object.fromEntries(
    Object.entries(patch).filter(([, v]) => v !== undefined),
  ) as Partial<TemplateFields>;
  const next = cleanTemplateFields({ ...current, ...defined });
  const templates = s.master.templates.map((t) => (t._id === id ? { ...t, ...next } : t));
  return { set: { master: master(s, { templates }) }, subject: id, versioned: true };
}

export function deleteTemplate(s: State, id: string): MasterEdit {
  templateOf(s, id);
  const templates = s.master.templates.filter((t) => t._id !== id);
  return { set: { master: master(s, { templates }) }, subject: id, versioned: true };
}
