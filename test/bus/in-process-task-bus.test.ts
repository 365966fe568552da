import { InProcessTaskBus } from '../../src/bus/in-process-task-bus';
import type { TaskBus } from '../../src/bus/task-bus.port';
import { taskBusContract } from './task-bus.contract';

taskBusContract(
  'in-process',
  async (options) => new InProcessTaskBus({ ackWaitMs: options?.ackWaitMs, logger: options?.logger }),
  {
    publishRaw: async (bus: TaskBus, subject, data) => {
      if (!(bus instanceof InProcessTaskBus)) throw new Error('expected an InProcessTaskBus');
      await bus.injectRaw(subject, data);
    },
  },
);
