// fork / exec / exit: under shadow paging each page-table page the process builds or tears down is
// a write-protected write (workloads/shadow-mmu.ts lifecycleWriteTraps).
import { InputError } from '../../config/errors.js';
import { compileDecided } from './decided.js';
import type { EventCompiler } from './types.js';

export const compileProcessLifecycle: EventCompiler = (e, field, ctx) => {
  const pageTables = ctx.workload.pageTables;
  if (!(pageTables && pageTables.pageTablePagesPerProcess > 0)) {
    throw new InputError(ctx.file, 'pageTables.pageTablePagesPerProcess', 'the page-table pages of one process (above 0) for process-lifecycle events', pageTables ? '0' : 'no pageTables section');
  }
  return compileDecided(e, field, ctx);
};
