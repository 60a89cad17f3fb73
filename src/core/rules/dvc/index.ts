import type { FileSystem } from '../../fs/fileSystem';
import { createDvcContext as createContext, type CreateDvcContextOptions, type DvcContext } from '../../dvc/context';
import type { RuleDefinition } from '../rule';
import { MLH301 } from './MLH301-dvc-schema';
import { MLH302 } from './MLH302-missing-dependency';
import { MLH303 } from './MLH303-undeclared-script';
import { MLH304 } from './MLH304-undefined-param';
import { MLH305 } from './MLH305-duplicate-output';
import { MLH306 } from './MLH306-pipeline-cycle';
import { MLH307 } from './MLH307-notebook-stage';
import { MLH308 } from './MLH308-hardcoded-hyperparameter';
import { MLH309 } from './MLH309-stage-changed';
import { MLH310 } from './MLH310-stage-never-run';
import { MLH311 } from './MLH311-path-outside-workspace';

export type { DvcContext, CreateDvcContextOptions };

export const dvcRules: RuleDefinition<DvcContext>[] = [MLH301, MLH302, MLH303, MLH304, MLH305, MLH306, MLH307, MLH308, MLH309, MLH310, MLH311];

/** Parses dvc.yaml, dvc.lock and params, builds the graph and computes status: everything the rules read. */
export async function createDvcContext(fs: FileSystem, dvcYamlPath: string, options: CreateDvcContextOptions = {}): Promise<DvcContext> {
  return createContext(fs, dvcYamlPath, options);
}
