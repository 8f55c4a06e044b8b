/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "subscription OrderStatusChanges($after: Cursor) {\n  assetRequestChanged(after: $after) {\n    cursor\n    kind\n    previousStatus\n    status\n    assetRequest {\n      id\n      type\n      product {\n        name\n      }\n      marketplace {\n        name\n      }\n    }\n  }\n}\n\nquery PendingPurchases($after: String) {\n  assetRequests(\n    first: 100\n    after: $after\n    filter: {status: PENDING, type: PURCHASE}\n  ) {\n    edges {\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery PurchaseToFulfil($id: ID!) {\n  assetRequest(id: $id) {\n    id\n    type\n    status\n    params {\n      name\n      value\n    }\n    product {\n      id\n      parameters(phase: FULFILLMENT) {\n        name\n        type\n        constraints {\n          required\n        }\n      }\n      templates {\n        id\n        type\n        scope\n      }\n    }\n  }\n}\n\nmutation SetFulfilmentParams($input: UpdateAssetRequestParamsInput!) {\n  updateAssetRequestParams(input: $input) {\n    request {\n      id\n    }\n  }\n}\n\nmutation ApprovePurchase($input: ApproveAssetRequestInput!) {\n  approveAssetRequest(input: $input) {\n    request {\n      id\n      status\n      activationKey\n      asset {\n        id\n        status\n      }\n    }\n  }\n}": typeof types.OrderStatusChangesDocument,
    "subscription ContractChanges($filter: ContractChangeFilter, $after: Cursor) {\n  contractChanged(filter: $filter, after: $after) {\n    cursor\n    kind\n    previousStatus\n    status\n    contract {\n      id\n      type\n      vendor {\n        name\n      }\n    }\n  }\n}\n\nmutation CreateProgramAgreement($name: String!) {\n  createAgreement(input: {type: PROGRAM, name: $name}) {\n    agreement {\n      id\n    }\n  }\n}\n\nmutation CreateProgramContract($agreement: ID!, $vendor: ID!) {\n  createProgramContract(input: {agreement: $agreement, vendor: $vendor}) {\n    contract {\n      id\n      status\n    }\n  }\n}\n\nmutation SignContract($contract: ID!) {\n  signContract(input: {contract: $contract}) {\n    contract {\n      id\n      status\n    }\n  }\n}": typeof types.ContractChangesDocument,
    "query Contracts($first: Int, $after: String, $filter: ContractFilter) {\n  contracts(first: $first, after: $after, filter: $filter) {\n    edges {\n      node {\n        id\n        type\n        status\n        marketplace {\n          id\n          name\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.ContractsDocument,
    "query Viewer {\n  viewer {\n    role\n    account {\n      id\n      name\n    }\n  }\n}": typeof types.ViewerDocument,
};
const documents: Documents = {
    "subscription OrderStatusChanges($after: Cursor) {\n  assetRequestChanged(after: $after) {\n    cursor\n    kind\n    previousStatus\n    status\n    assetRequest {\n      id\n      type\n      product {\n        name\n      }\n      marketplace {\n        name\n      }\n    }\n  }\n}\n\nquery PendingPurchases($after: String) {\n  assetRequests(\n    first: 100\n    after: $after\n    filter: {status: PENDING, type: PURCHASE}\n  ) {\n    edges {\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery PurchaseToFulfil($id: ID!) {\n  assetRequest(id: $id) {\n    id\n    type\n    status\n    params {\n      name\n      value\n    }\n    product {\n      id\n      parameters(phase: FULFILLMENT) {\n        name\n        type\n        constraints {\n          required\n        }\n      }\n      templates {\n        id\n        type\n        scope\n      }\n    }\n  }\n}\n\nmutation SetFulfilmentParams($input: UpdateAssetRequestParamsInput!) {\n  updateAssetRequestParams(input: $input) {\n    request {\n      id\n    }\n  }\n}\n\nmutation ApprovePurchase($input: ApproveAssetRequestInput!) {\n  approveAssetRequest(input: $input) {\n    request {\n      id\n      status\n      activationKey\n      asset {\n        id\n        status\n      }\n    }\n  }\n}": types.OrderStatusChangesDocument,
    "subscription ContractChanges($filter: ContractChangeFilter, $after: Cursor) {\n  contractChanged(filter: $filter, after: $after) {\n    cursor\n    kind\n    previousStatus\n    status\n    contract {\n      id\n      type\n      vendor {\n        name\n      }\n    }\n  }\n}\n\nmutation CreateProgramAgreement($name: String!) {\n  createAgreement(input: {type: PROGRAM, name: $name}) {\n    agreement {\n      id\n    }\n  }\n}\n\nmutation CreateProgramContract($agreement: ID!, $vendor: ID!) {\n  createProgramContract(input: {agreement: $agreement, vendor: $vendor}) {\n    contract {\n      id\n      status\n    }\n  }\n}\n\nmutation SignContract($contract: ID!) {\n  signContract(input: {contract: $contract}) {\n    contract {\n      id\n      status\n    }\n  }\n}": types.ContractChangesDocument,
    "query Contracts($first: Int, $after: String, $filter: ContractFilter) {\n  contracts(first: $first, after: $after, filter: $filter) {\n    edges {\n      node {\n        id\n        type\n        status\n        marketplace {\n          id\n          name\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.ContractsDocument,
    "query Viewer {\n  viewer {\n    role\n    account {\n      id\n      name\n    }\n  }\n}": types.ViewerDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription OrderStatusChanges($after: Cursor) {\n  assetRequestChanged(after: $after) {\n    cursor\n    kind\n    previousStatus\n    status\n    assetRequest {\n      id\n      type\n      product {\n        name\n      }\n      marketplace {\n        name\n      }\n    }\n  }\n}\n\nquery PendingPurchases($after: String) {\n  assetRequests(\n    first: 100\n    after: $after\n    filter: {status: PENDING, type: PURCHASE}\n  ) {\n    edges {\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery PurchaseToFulfil($id: ID!) {\n  assetRequest(id: $id) {\n    id\n    type\n    status\n    params {\n      name\n      value\n    }\n    product {\n      id\n      parameters(phase: FULFILLMENT) {\n        name\n        type\n        constraints {\n          required\n        }\n      }\n      templates {\n        id\n        type\n        scope\n      }\n    }\n  }\n}\n\nmutation SetFulfilmentParams($input: UpdateAssetRequestParamsInput!) {\n  updateAssetRequestParams(input: $input) {\n    request {\n      id\n    }\n  }\n}\n\nmutation ApprovePurchase($input: ApproveAssetRequestInput!) {\n  approveAssetRequest(input: $input) {\n    request {\n      id\n      status\n      activationKey\n      asset {\n        id\n        status\n      }\n    }\n  }\n}"): (typeof documents)["subscription OrderStatusChanges($after: Cursor) {\n  assetRequestChanged(after: $after) {\n    cursor\n    kind\n    previousStatus\n    status\n    assetRequest {\n      id\n      type\n      product {\n        name\n      }\n      marketplace {\n        name\n      }\n    }\n  }\n}\n\nquery PendingPurchases($after: String) {\n  assetRequests(\n    first: 100\n    after: $after\n    filter: {status: PENDING, type: PURCHASE}\n  ) {\n    edges {\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery PurchaseToFulfil($id: ID!) {\n  assetRequest(id: $id) {\n    id\n    type\n    status\n    params {\n      name\n      value\n    }\n    product {\n      id\n      parameters(phase: FULFILLMENT) {\n        name\n        type\n        constraints {\n          required\n        }\n      }\n      templates {\n        id\n        type\n        scope\n      }\n    }\n  }\n}\n\nmutation SetFulfilmentParams($input: UpdateAssetRequestParamsInput!) {\n  updateAssetRequestParams(input: $input) {\n    request {\n      id\n    }\n  }\n}\n\nmutation ApprovePurchase($input: ApproveAssetRequestInput!) {\n  approveAssetRequest(input: $input) {\n    request {\n      id\n      status\n      activationKey\n      asset {\n        id\n        status\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription ContractChanges($filter: ContractChangeFilter, $after: Cursor) {\n  contractChanged(filter: $filter, after: $after) {\n    cursor\n    kind\n    previousStatus\n    status\n    contract {\n      id\n      type\n      vendor {\n        name\n      }\n    }\n  }\n}\n\nmutation CreateProgramAgreement($name: String!) {\n  createAgreement(input: {type: PROGRAM, name: $name}) {\n    agreement {\n      id\n    }\n  }\n}\n\nmutation CreateProgramContract($agreement: ID!, $vendor: ID!) {\n  createProgramContract(input: {agreement: $agreement, vendor: $vendor}) {\n    contract {\n      id\n      status\n    }\n  }\n}\n\nmutation SignContract($contract: ID!) {\n  signContract(input: {contract: $contract}) {\n    contract {\n      id\n      status\n    }\n  }\n}"): (typeof documents)["subscription ContractChanges($filter: ContractChangeFilter, $after: Cursor) {\n  contractChanged(filter: $filter, after: $after) {\n    cursor\n    kind\n    previousStatus\n    status\n    contract {\n      id\n      type\n      vendor {\n        name\n      }\n    }\n  }\n}\n\nmutation CreateProgramAgreement($name: String!) {\n  createAgreement(input: {type: PROGRAM, name: $name}) {\n    agreement {\n      id\n    }\n  }\n}\n\nmutation CreateProgramContract($agreement: ID!, $vendor: ID!) {\n  createProgramContract(input: {agreement: $agreement, vendor: $vendor}) {\n    contract {\n      id\n      status\n    }\n  }\n}\n\nmutation SignContract($contract: ID!) {\n  signContract(input: {contract: $contract}) {\n    contract {\n      id\n      status\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Contracts($first: Int, $after: String, $filter: ContractFilter) {\n  contracts(first: $first, after: $after, filter: $filter) {\n    edges {\n      node {\n        id\n        type\n        status\n        marketplace {\n          id\n          name\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query Contracts($first: Int, $after: String, $filter: ContractFilter) {\n  contracts(first: $first, after: $after, filter: $filter) {\n    edges {\n      node {\n        id\n        type\n        status\n        marketplace {\n          id\n          name\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Viewer {\n  viewer {\n    role\n    account {\n      id\n      name\n    }\n  }\n}"): (typeof documents)["query Viewer {\n  viewer {\n    role\n    account {\n      id\n      name\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;