import {
  flagsOf,
  numberField,
  parseCkquorum,
  parseInfo,
  toRecord,
  toRecords,
} from './replies';

describe('Sentinel and INFO replies', () => {
  it('turns flat key/value arrays into records', () => {
    expect(toRecord(['name', 'sessions', 'port', '6379', 'odd'])).toEqual({
      name: 'sessions',
      port: '6379',
    });
    expect(
      toRecords([
        ['flags', 'slave'],
        ['flags', 's_down,slave'],
      ]),
    ).toEqual([{ flags: 'slave' }, { flags: 's_down,slave' }]);
    expect(toRecords('not an array')).toEqual([]);
  });

  it('reads INFO replication, skipping section headers', () => {
    const info = parseInfo(
      '# Replication\r\nrole:slave\r\nmaster_link_status:up\r\nslave_repl_offset:1234\r\n\r\n',
    );
    expect(info).toEqual({
      role: 'slave',
      master_link_status: 'up',
      slave_repl_offset: '1234',
    });
    expect(numberField(info, 'slave_repl_offset')).toBe(1234);
    expect(numberField(info, 'role')).toBeUndefined();
    expect(numberField(info, 'missing')).toBeUndefined();
  });

  it('splits flags', () => {
    expect(flagsOf({ flags: 's_down,slave,disconnected' })).toEqual([
      's_down',
      'slave',
      'disconnected',
    ]);
    expect(flagsOf(undefined)).toEqual([]);
  });

  it('reads CKQUORUM answers and NOQUORUM errors', () => {
    expect(
      parseCkquorum(
        'OK 3 usable Sentinels. Quorum and failover authorization can be reached',
        false,
      ),
    ).toEqual({
      ok: true,
      usable: 3,
      message:
        'OK 3 usable Sentinels. Quorum and failover authorization can be reached',
    });
    expect(
      parseCkquorum(
        'ReplyError: NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master',
        true,
      ),
    ).toMatchObject({ ok: false, usable: 1 });
  });
});
