import { masterNameOf, parseSentinelEvent } from './events';

const at = new Date('2026-12-01T10:00:00.000Z');
const parse = (channel: string, message: string) =>
  parseSentinelEvent(channel, message, '127.0.0.1:26379', at);

describe('parseSentinelEvent', () => {
  it('reads a master event', () => {
    expect(parse('+sdown', 'master sessions 127.0.0.1 6379')).toEqual({
      name: '+sdown',
      sentinel: '127.0.0.1:26379',
      at,
      raw: 'master sessions 127.0.0.1 6379',
      instance: {
        type: 'master',
        name: 'sessions',
        address: '127.0.0.1:6379',
        masterName: 'sessions',
        masterAddress: '127.0.0.1:6379',
      },
    });
  });

  it('reads a replica event with its master after @, and trailing words', () => {
    const event = parse(
      '+promoted-slave',
      'slave 127.0.0.1:6380 127.0.0.1 6380 @ sessions 127.0.0.1 6379',
    );
    expect(event.instance).toEqual({
      type: 'slave',
      name: '127.0.0.1:6380',
      address: '127.0.0.1:6380',
      masterName: 'sessions',
      masterAddress: '127.0.0.1:6379',
    });
    expect(
      parse('+odown', 'master sessions 127.0.0.1 6379 #quorum 3/2').instance
        ?.masterAddress,
    ).toBe('127.0.0.1:6379');
  });

  it('reads +switch-master', () => {
    const event = parse(
      '+switch-master',
      'sessions 127.0.0.1 6379 127.0.0.1 6380',
    );
    expect(event.switchMaster).toEqual({
      masterName: 'sessions',
      from: '127.0.0.1:6379',
      to: '127.0.0.1:6380',
    });
    expect(masterNameOf(event)).toBe('sessions');
  });

  it('reads the epoch of +new-epoch and +vote-for-leader', () => {
    expect(parse('+new-epoch', '7').epoch).toBe(7);
    expect(
      parse('+vote-for-leader', '2e1701c303b15f444369e4027c8b9f7c5e473717 8')
        .epoch,
    ).toBe(8);
    expect(parse('+new-epoch', 'garbage').epoch).toBeUndefined();
  });

  it('keeps events it cannot read, without an instance', () => {
    const event = parse('+tilt', '#tilt mode entered');
    expect(event.instance).toBeUndefined();
    expect(event.raw).toBe('#tilt mode entered');
    expect(masterNameOf(event)).toBeUndefined();
  });
});
