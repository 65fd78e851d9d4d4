// The explicit list of content kinds. Adding a kind means adding its folder and one line here.
import type { AnyKind } from './kind.js';
import { fileKind } from './file/index.js';
import { ociKind } from './oci/index.js';
import { debKind } from './deb/index.js';
import { rpmKind } from './rpm/index.js';
import { helmKind } from './helm/index.js';
import { gomodKind } from './gomod/index.js';
import { pypiKind } from './pypi/index.js';

export const KINDS: readonly AnyKind[] = [fileKind, ociKind, debKind, rpmKind, helmKind, gomodKind, pypiKind];
