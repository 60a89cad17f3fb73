/**
 * Paths in dvc.yaml that leave the workspace are shown but never read: a recording FileSystem
 * proves no byte outside the workspace root is opened, through `..`, absolute paths or symlinks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../../src/core/engine';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { isInside } from '../../../src/core/fs/paths';
import { createDvcContext, dvcRules } from '../../../src/core/rules/dvc/index';

class RecordingFileSystem extends MemoryFileSystem {
  readonly reads: string[] = [];
  readonly listed: string[] = [];

  override async readFile(path: string): Promise<Uint8Array> {
    this.reads.push(path);
    return super.readFile(path);
  }

  override async readDirectory(path: string) {
    this.listed.push(path);
    return super.readDirectory(path);
  }
}

test('deps and outs outside the workspace are reported, never hashed or listed', async () => {
  const fs = new RecordingFileSystem({
    '/ws/dvc.yaml': 'stages:\n  train:\n    cmd: python train.py\n    deps:\n      - train.py\n      - ../secrets/keys.csv\n      - /etc/shadow-copy\n      - linked/data.csv\n      - linked-dir\n    outs:\n      - ../elsewhere/model.pkl\n',
    '/ws/dvc.lock':
      "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n    - path: ../secrets/keys.csv\n      hash: md5\n      md5: 00000000000000000000000000000000\n      size: 3\n    - path: /etc/shadow-copy\n      hash: md5\n      md5: 00000000000000000000000000000000\n      size: 3\n    - path: linked/data.csv\n      hash: md5\n      md5: 00000000000000000000000000000000\n      size: 3\n    - path: linked-dir\n      hash: md5\n      md5: 00000000000000000000000000000000.dir\n      size: 3\n      nfiles: 1\n",
    '/ws/train.py': 'print(1)\n',
    '/secrets/keys.csv': 'top secret\n',
    '/etc/shadow-copy': 'root:x\n',
    '/outside-data/data.csv': 'outside\n',
    '/outside-data/dir/file.csv': 'outside\n',
  });
  fs.symlink('/ws/linked', '/outside-data');
  fs.symlink('/ws/linked-dir', '/outside-data/dir');
  const ctx = await createDvcContext(fs, '/ws/dvc.yaml', { workspaceRoot: '/ws' });
  const engine = new Engine({ fs, workspaceRoot: '/ws', trusted: false });
  const findings = await engine.runRules(dvcRules, ctx, engine.configFor(undefined), () => undefined);
  const shown = findings.filter((f) => f.code === 'MLH311').map((f) => f.message);
  for (const escaping of ['../secrets/keys.csv', '../elsewhere/model.pkl', 'linked/data.csv', 'linked-dir']) {
    assert.ok(shown.some((m) => m.includes(`'${escaping}'`)), `MLH311 shows ${escaping}; shown: ${shown.join(' | ')}`);
  }
  const escaped = [...fs.reads, ...fs.listed].filter((p) => !isInside('/ws', p) || p.startsWith('/ws/linked'));
  assert.deepEqual(escaped, [], 'nothing outside the workspace was read or listed');
});
