/**
 * The `admin` right on access keys, as stored and as authentication reports it, on both backends.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import { openStore, type Store } from '../../src/store/store.js';
import { describeEachBackend, type Backend } from '../helpers/backends.js';

describeEachBackend('access keys with the admin right', (backend: Backend) => {
  let store: Store;
  let url: string;
  beforeEach(async () => {
    url = await backend.newDatabaseUrl();
    store = await openStore({ url });
    await store.migrate({ tables: false });
  });
  afterEach(async () => {
    await store.close();
    await backend.dispose(url);
  });

  it('stores the right and reports it on authentication; keys are not admin unless asked', async () => {
    const service = createAccessKeyService(store.keys);
    const admin = await service.create('ci admin', { admin: true });
    const plain = await service.create('connector');
    const reader = await service.create('reader', { readOnly: true });
    expect(admin.record).toMatchObject({ admin: true, readOnly: false });
    expect(await service.authenticate(admin.key)).toMatchObject({ name: 'ci admin', admin: true, readOnly: false });
    expect(await service.authenticate(plain.key)).toMatchObject({ name: 'connector', admin: false, readOnly: false });
    expect(await service.authenticate(reader.key)).toMatchObject({ name: 'reader', admin: false, readOnly: true });
    const listed = await service.list();
    expect(listed.map((key) => [key.name, key.admin])).toEqual(
      expect.arrayContaining([
        ['ci admin', true],
        ['connector', false],
        ['reader', false],
      ]),
    );
  });

  it('refuses a key that is both read-only and admin, and stores nothing', async () => {
    const service = createAccessKeyService(store.keys);
    await expect(service.create('both', { admin: true, readOnly: true })).rejects.toThrow(/read-only and admin/);
    expect(await service.list()).toEqual([]);
  });

  it('gives the GS_ACCESS_KEY bootstrap key every right', async () => {
    const service = createAccessKeyService(store.keys, { bootstrapKey: 'bootstrap-key-for-admin-test-0123' });
    expect(await service.authenticate('bootstrap-key-for-admin-test-0123')).toMatchObject({ admin: true, readOnly: false });
  });
});
