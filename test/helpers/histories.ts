/**
 * History files for the replay test. protobufjs's own JSON form (longs and bytes as strings, enum names) via
 * @temporalio/proto's generated classes; the SDK's historyToJSON trips over the second protobufjs copy that
 * npm installs next to @temporalio/proto.
 */
import { temporal } from '@temporalio/proto';

const History = temporal.api.history.v1.History;
type IHistory = temporal.api.history.v1.IHistory;

export const historyToFile = (h: IHistory): string =>
  JSON.stringify(History.toObject(History.fromObject(h), { longs: String, enums: String, bytes: String }));

export const historyFromFile = (json: string): temporal.api.history.v1.History =>
  History.fromObject(JSON.parse(json) as Record<string, unknown>);
