import { fileResolvers } from './files.js';
import { recordResolvers } from './records.js';

export const resolvers = {
  DateTime: fileResolvers.DateTime,
  Query: { ...fileResolvers.Query, ...recordResolvers.Query },
  Mutation: fileResolvers.Mutation,
  Asset: recordResolvers.Asset,
  UsageFile: { ...fileResolvers.UsageFile, ...recordResolvers.UsageFile },
  UsageRecord: recordResolvers.UsageRecord,
};
