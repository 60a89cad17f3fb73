import { relativePath } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';
import { baseImages, projectDockerfiles, toRange } from './dockerfile';

export const unpinnedBaseImage: RuleDefinition<StructureContext> = {
  code: 'MLH419',
  name: 'unpinned-base-image',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'A `FROM` in a Dockerfile (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile`) whose base image is not pinned: no tag (`FROM python`, which means `latest`) or the `latest` tag, reported as a warning; and a tag without a digest (`python:3.12-slim`) in the final stage, the image that is deployed, reported as a hint. Build stages that refer to an earlier stage, `scratch`, and images named through a build argument (`${BASE}`) are not reported.',
    why: 'A base image tag moves: `python:latest` jumps a Python version overnight, and `python:3.12-slim` is rebuilt with new system libraries every few weeks. The same Dockerfile then builds a different image, and a model that served yesterday fails to load today, with nothing in the repository to show why.',
    example: 'FROM python:latest\nCOPY . /app\nRUN pip install /app',
    exampleLanguage: 'text',
    fix: 'Name a version (`python:3.12-slim`) and, for the deployed image, its digest: `python:3.12-slim@sha256:<digest>` (`docker buildx imagetools inspect python:3.12-slim` prints it). Renovate and Dependabot keep digests up to date.',
  },
  async check(ctx, report) {
    for (const parsed of await projectDockerfiles(ctx)) {
      for (const { from, last } of baseImages(parsed)) {
        const image = from.getImage() ?? '';
        if (image.includes('$')) continue; // an ARG decides; the build command pins it, or not
        const tag = from.getImageTag();
        const digest = from.getImageDigest();
        const range = from.getImageRange();
        if (!range || digest) continue;
        const name = relativePath(ctx.project.root, parsed.path);
        if (!tag || tag === 'latest') {
          report({
            path: parsed.path,
            range: toRange(range),
            message: `\`FROM ${image}\` in ${name} ${tag ? 'uses the `latest` tag' : 'has no tag, so it pulls `latest`'}: the base image changes under the same Dockerfile. Name a version (e.g. \`${from.getImageName()}:3.12-slim\`) and pin its digest.`,
          });
        } else if (last) {
          report({
            path: parsed.path,
            range: toRange(range),
            severity: 'hint',
            message: `\`FROM ${image}\` is the deployed image's base, pinned by tag only: tags are rebuilt. Pin the digest too (\`${image}@sha256:…\`) for a reproducible image.`,
          });
        }
      }
    }
  },
};
