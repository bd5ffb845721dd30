import { describe, expect, it } from 'vitest';
import { ImageNameError, parseImageName } from '../../../src/images/image-name.js';

describe('parseImageName', () => {
  it.each([
    ['nginx', 'registry-1.docker.io', 'library/nginx', 'docker.io/library/nginx'],
    ['org/app', 'registry-1.docker.io', 'org/app', 'docker.io/org/app'],
    ['docker.io/nginx', 'registry-1.docker.io', 'library/nginx', 'docker.io/library/nginx'],
    ['docker.io/library/nginx', 'registry-1.docker.io', 'library/nginx', 'docker.io/library/nginx'],
    ['index.docker.io/nginx', 'registry-1.docker.io', 'library/nginx', 'docker.io/library/nginx'],
    ['index.docker.io/org/app', 'registry-1.docker.io', 'org/app', 'docker.io/org/app'],
    ['ghcr.io/org/app', 'ghcr.io', 'org/app', 'ghcr.io/org/app'],
    ['ghcr.io/org/team/sub/app', 'ghcr.io', 'org/team/sub/app', 'ghcr.io/org/team/sub/app'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000', 'app', '127.0.0.1:5000/app'],
    ['localhost/app', 'localhost', 'app', 'localhost/app'],
    ['localhost:5000/team/app', 'localhost:5000', 'team/app', 'localhost:5000/team/app'],
    ['registry:5000/app', 'registry:5000', 'app', 'registry:5000/app'],
    ['[::1]:5000/app', '[::1]:5000', 'app', '[::1]:5000/app'],
    ['Registry.Example.COM/app', 'registry.example.com', 'app', 'registry.example.com/app'],
    ['quay.io/a.b_c__d---e/f-g', 'quay.io', 'a.b_c__d---e/f-g', 'quay.io/a.b_c__d---e/f-g'],
    // Without a `.`, a `:` or `localhost`, the first component is a Docker Hub organisation.
    ['myregistry/app', 'registry-1.docker.io', 'myregistry/app', 'docker.io/myregistry/app'],
    ['localhost', 'registry-1.docker.io', 'library/localhost', 'docker.io/library/localhost'],
  ])('%s', (image, registry, repository, canonical) => {
    expect(parseImageName(image)).toEqual({ registry, repository, canonical });
  });

  it.each([
    ['', 'must not be empty'],
    [' nginx', 'must not contain whitespace'],
    ['ghcr.io/org/app\n', 'must not contain whitespace'],
    ['https://ghcr.io/org/app', "must not start with a URL scheme; remove 'https://'"],
    ['nginx:1.25', "must not contain a tag (':1.25'); the ImagePolicy picks the tag"],
    ['ghcr.io/org/app:latest', "must not contain a tag (':latest')"],
    ['localhost:5000', "must not contain a tag (':5000')"],
    ['127.0.0.1:5000/app:v1', "must not contain a tag (':v1')"],
    [`app@sha256:${'a'.repeat(64)}`, 'must not contain a digest'],
    [`ghcr.io/org/app:v1@sha256:${'a'.repeat(64)}`, 'must not contain a digest'],
    ['Nginx', 'must be lower case'],
    ['ghcr.io/Org/app', 'must be lower case'],
    ['MyRegistry/app', 'must be lower case'],
    ['ghcr.io/', 'has no repository after the registry'],
    ['ghcr.io//app', 'has an empty path component'],
    ['org/app/', 'has an empty path component'],
    ['/app', 'has an empty path component'],
    ['ghcr.io/-app', 'has an invalid path component "-app"'],
    ['ghcr.io/app.', 'has an invalid path component "app."'],
    ['ghcr.io/a..b', 'has an invalid path component "a..b"'],
    ['ghcr.io/a___b', 'has an invalid path component "a___b"'],
    ['ghcr.io/a%2fb', 'has an invalid path component'],
    ['ghcr.io/../app', 'has an invalid path component ".."'],
    ['bad_host.io/app', 'has an invalid registry host "bad_host.io"'],
    ['host.io:99999/app', 'has an invalid registry host'],
    [`ghcr.io/${'a'.repeat(250)}`, 'is longer than 255 characters'],
  ])('refuses %j: %s', (image, reason) => {
    let error: unknown;
    try {
      parseImageName(image);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ImageNameError);
    const e = error as ImageNameError;
    expect(e.reason).toContain(reason);
    expect(e.message).toBe(
      `image ${JSON.stringify(image.length > 200 ? `${image.slice(0, 200)}...` : image)}: ${e.reason}`,
    );
  });

  it('counts the 255-character limit on the full name, registry included', () => {
    const path = 'a'.repeat(255 - 'ghcr.io/'.length);
    expect(parseImageName(`ghcr.io/${path}`).canonical).toHaveLength(255);
    expect(() => parseImageName(`ghcr.io/${path}a`)).toThrow(ImageNameError);
    // Docker Hub's names count as docker.io/library/...
    const hub = 'b'.repeat(255 - 'docker.io/library/'.length);
    expect(parseImageName(hub).canonical).toHaveLength(255);
    expect(() => parseImageName(`${hub}b`)).toThrow(/longer than 255/);
  });

  it('never quotes credentials written into the name', () => {
    for (const image of [
      'user:s3cret@ghcr.io/org/app',
      'ghp_T0KEN@ghcr.io/app',
      'u:s3cret@localhost:5000/app',
    ]) {
      let message = '';
      try {
        parseImageName(image);
      } catch (err) {
        expect(err).toBeInstanceOf(ImageNameError);
        message = (err as Error).message;
      }
      expect(message).toContain('must not contain credentials');
      expect(message).not.toContain('s3cret');
      expect(message).not.toContain('T0KEN');
    }
  });
});
