import { dispositionFor } from './get-attachment';

describe(dispositionFor.name, () => {
  it.each(['image/jpeg', 'audio/amr', 'video/mp4', 'IMAGE/PNG'])('shows %s inline', (type) => {
    expect(dispositionFor(type)).toBe('inline');
  });

  it.each(['application/pdf', 'text/html', 'application/octet-stream', 'imagex/png'])(
    'makes %s a download',
    (type) => {
      expect(dispositionFor(type)).toBe('attachment');
    },
  );
});
