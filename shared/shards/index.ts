export { ShardOutOfRangeError, ShardPlanMismatchError } from './errors.ts'
export { checkShardIndex, groupOf, planShards, type Shard, type ShardPlan, shardTensors } from './planShards.ts'
