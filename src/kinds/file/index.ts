// The `file` kind: plain files fetched by URL (kubeadm, kubelet, etcd, CNI plugins, containerd, runc…).
import type { Kind } from '../kind.js';
import { collectFile } from './collect.js';
import { fileRoutes } from './routes.js';
import { fileEntrySchema, fileLockedSchema, type FileEntry, type FileLocked } from './spec.js';

export const fileKind: Kind<FileEntry, FileLocked> = {
  name: 'file',
  section: 'files',
  entrySchema: fileEntrySchema,
  lockedSchema: fileLockedSchema,
  key: (e) => e.url,
  satisfies: (entry, locked) => entry.url === locked.url && (entry.sha256 === undefined || entry.sha256 === locked.sha256),
  collect: collectFile,
  routes: fileRoutes,
};
