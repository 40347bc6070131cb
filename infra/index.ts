/**
 * Entry point of `pulumi up` (Pulumi.yaml: `main: infra/`). Builds the stack and exports its
 * outputs; everything else lives in program.ts so that tests can build the same stack.
 */
import { createStack } from './program.js';

const outputs = createStack();

export const apiUrl = outputs.apiUrl;
export const docsUrl = outputs.docsUrl;
export const indexStorage = outputs.indexStorage;
export const indexBucket = outputs.indexBucket;
export const indexPrefix = outputs.indexPrefix;
export const versionsToKeep = outputs.versionsToKeep;
export const searchFunctionName = outputs.searchFunctionName;
export const efsId = outputs.efsId;
export const accessPointArn = outputs.accessPointArn;
export const loaderInstanceId = outputs.loaderInstanceId;
export const stagingBucket = outputs.stagingBucket;
export const region = outputs.region;
export const invokePolicyArn = outputs.invokePolicyArn;
export const uploadPolicyArn = outputs.uploadPolicyArn;
export const jobsResultsBucket = outputs.jobsResultsBucket;
export const jobsTaskQueueUrl = outputs.jobsTaskQueueUrl;
export const jobsControlQueueUrl = outputs.jobsControlQueueUrl;
export const jobsReduceQueueUrl = outputs.jobsReduceQueueUrl;
export const jobsTaskDlqUrl = outputs.jobsTaskDlqUrl;
export const jobsControlDlqUrl = outputs.jobsControlDlqUrl;
export const jobsReduceDlqUrl = outputs.jobsReduceDlqUrl;
export const jobsDlqAlarmNames = outputs.jobsDlqAlarmNames;
export const jobsPolicyArn = outputs.jobsPolicyArn;
export const jobsWorkerTmpMb = outputs.jobsWorkerTmpMb;
