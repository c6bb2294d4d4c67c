export {
  createModel,
  type GptSpec,
  type MlpSpec,
  type ModelConfig,
  type ModelSpec,
  type ParamInit,
  type ParamSpec,
  paramCount,
} from './createModel.ts'
export { InvalidModelConfigError, ParamMismatchError } from './errors.ts'
export { modelFlopsPerToken } from './flops.ts'
export { type GenerateParameters, generate } from './generate.ts'
export { gptLogits, type Weights } from './gpt.ts'
export { initParams } from './initParams.ts'
export { mlpLogits } from './mlp.ts'
export { checkParams, modelLoss } from './modelLoss.ts'
