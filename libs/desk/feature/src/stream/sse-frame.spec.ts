import type { LiveEvent } from '@wechat-desk/desk/data-access';

import { formatSseFrame, liveEventFrame, positionFrame, resetFrame } from './sse-frame';

describe('SSE frames', () => {
  it('write a live event as id, event and one data line of JSON', () => {
    const event: LiveEvent = {
      seq: 42,
      type: 'message.added',
      ticketId: 't-1',
      channelId: 'c-1',
      departmentId: 'd-1',
      data: { id: 'm-1', text: 'line one\nline two' },
      createdAt: new Date(),
    };
    const frame = liveEventFrame(event);
    expect(frame).toBe(
      'id: 42\nevent: message.added\n' +
        'data: {"ticketId":"t-1","channelId":"c-1","departmentId":"d-1","id":"m-1","text":"line one\\nline two"}\n\n',
    );
    const data = frame.split('\n').find((line) => line.startsWith('data: '));
    expect(JSON.parse(data!.slice('data: '.length))).toEqual({
      ticketId: 't-1',
      channelId: 'c-1',
      departmentId: 'd-1',
      id: 'm-1',
      text: 'line one\nline two',
    });
  });

  it('split data with raw line breaks into several data lines, whatever the break', () => {
    expect(formatSseFrame({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
  });

  it('keep other fields on one line, so a value cannot forge a field or end the frame', () => {
    expect(formatSseFrame({ event: 'x\n\ndata: forged' })).toBe('event: x  data: forged\n\n');
    expect(formatSseFrame({ comment: 'one\ntwo' })).toBe(': one\n: two\n\n');
  });

  it('write heartbeats, retry, reset and position frames', () => {
    expect(formatSseFrame({ comment: 'heartbeat' })).toBe(': heartbeat\n\n');
    expect(formatSseFrame({ retryMs: 2000.7, comment: 'connected' })).toBe(
      ': connected\nretry: 2000\n\n',
    );
    expect(resetFrame(7, 'resume-point-expired')).toBe(
      'id: 7\nevent: reset\ndata: {"reason":"resume-point-expired"}\n\n',
    );
    expect(positionFrame(9)).toBe('id: 9\n\n');
    expect(positionFrame(9, 'heartbeat')).toBe(': heartbeat\nid: 9\n\n');
  });
});
