/** One file of node configuration: a path relative to the node's root (`etc/chrony/chrony.conf`). */
export interface RenderedFile {
  path: string;
  content: string;
}
