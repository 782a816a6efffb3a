import { describe, expect, it } from 'vitest';
import { matchPath, pick } from './routing';

describe('routing', () => {
  it('matches paths and reads parameters', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/staff', '/staff/')).toEqual({});
    expect(matchPath('/staff/campaigns/:id', '/staff/campaigns/iy0dI1xe')).toEqual({ id: 'iy0dI1xe' });
    expect(matchPath('/staff/campaigns/:id', '/staff/campaigns/')).toBeUndefined();
    expect(matchPath('/staff', '/staffing')).toBeUndefined();
    expect(matchPath('/survey', '/')).toBeUndefined();
  });

  it('takes the first route that matches', () => {
    const routes: [string, string][] = [
      ['/staff/campaigns/new', 'new'],
      ['/staff/campaigns/:id', 'dashboard'],
    ];
    expect(pick(routes, '/staff/campaigns/new')?.route).toBe('new');
    expect(pick(routes, '/staff/campaigns/x')).toEqual({ route: 'dashboard', params: { id: 'x' } });
    expect(pick(routes, '/nowhere')).toBeUndefined();
  });
});
