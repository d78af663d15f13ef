import { describeJobSystemBehaviour } from './job-system-behaviour.ts';

describeJobSystemBehaviour('bullmq');
