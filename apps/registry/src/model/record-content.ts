/** A record without its indexes: what callers write; the write stamps the indexes. */
export type Content<T> = Omit<T, 'CreateIndex' | 'ModifyIndex'>;

export function content<T extends { CreateIndex: number; ModifyIndex: number }>(record: T): Content<T> {
  const { CreateIndex: _c, ModifyIndex: _m, ...rest } = record;
  return rest;
}
