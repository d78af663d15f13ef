import { describeJobControlBehaviour } from './job-control-behaviour.ts';

describeJobControlBehaviour('bullmq');
