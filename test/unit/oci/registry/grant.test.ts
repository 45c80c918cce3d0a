import { grantedActions } from '../../../../src/oci/registry/grant.js';

/** A JWT as a token service issues it (the signature is not read). */
const jwt = (claims: object) =>
  ['{"alg":"RS256","typ":"JWT"}', JSON.stringify(claims), 'signature']
    .map((p, i) => (i < 2 ? Buffer.from(p).toString('base64url') : p))
    .join('.');

describe('what a registry token grants', () => {
  it('reads the access claim of a JWT for the repository, and `*`', () => {
    const token = jwt({
      access: [
        { type: 'repository', name: 'team/app', actions: ['pull'] },
        { type: 'repository', name: 'team/other', actions: ['pull', 'push'] },
      ],
    });
    expect(grantedActions(token, 'team/app')).toEqual(['pull']);
    expect(grantedActions(token, 'team/other')).toEqual(['pull', 'push']);
    expect(
      grantedActions(jwt({ access: [{ type: 'repository', name: '*', actions: ['*'] }] }), 'x'),
    ).toEqual(['*']);
    expect(
      grantedActions(
        jwt({ access: [{ type: 'repository', name: 'team/app', actions: [] }] }),
        'team/app',
      ),
    ).toEqual([]);
  });

  it('says nothing of a token that does not say: opaque, no claim, or another repository only', () => {
    expect(grantedActions('djE6b3BhcXVlLXRva2Vu', 'team/app')).toBeUndefined();
    expect(grantedActions(jwt({ sub: 'ci' }), 'team/app')).toBeUndefined();
    expect(grantedActions(jwt({ access: [] }), 'team/app')).toBeUndefined();
    expect(
      grantedActions(
        jwt({ access: [{ type: 'repository', name: 'team/other', actions: ['push'] }] }),
        'team/app',
      ),
    ).toBeUndefined();
    expect(grantedActions('a.not-json.c', 'team/app')).toBeUndefined();
  });
});
