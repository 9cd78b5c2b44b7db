import * as React from 'react';
import { prerender } from 'react-dom/static';
import { describe, expect, it } from 'vitest';
import { lazyComponent } from './types';

async function html(element: React.ReactElement): Promise<string> {
  const { prelude } = await prerender(element);
  return new Response(prelude).text();
}

describe('lazyComponent', () => {
  it('loads a part\'s code on first render only, once, and renders it with its props', async () => {
    let loads = 0;
    const Part = lazyComponent<{ name: string }>({ React }, async () => {
      loads++;
      return ({ name }) => React.createElement('b', null, `Hello ${name}`);
    });
    expect(loads).toBe(0);
    const page = (name: string) => React.createElement(React.Suspense, { fallback: React.createElement('i', null, 'loading') }, React.createElement(Part, { name }));
    expect(await html(page('Ana'))).toBe('<!--$--><b>Hello Ana</b><!--/$-->');
    expect(await html(page('Bo'))).toBe('<!--$--><b>Hello Bo</b><!--/$-->');
    expect(loads).toBe(1);
  });

  it('reports a part whose code fails to load to the nearest error boundary', async () => {
    class Boundary extends React.Component<{ children: React.ReactNode }, { error: string | null }> {
      override state = { error: null as string | null };
      static getDerivedStateFromError(e: Error) {
        return { error: e.message };
      }
      override render() {
        return this.state.error ? React.createElement('p', null, this.state.error) : this.props.children;
      }
    }
    const Broken = lazyComponent({ React }, () => Promise.reject(new Error('chunk gone')));
    const errors: unknown[] = [];
    const { prelude } = await prerender(React.createElement(Boundary, null, React.createElement(React.Suspense, { fallback: null }, React.createElement(Broken))), { onError: (e) => void errors.push(e) });
    await new Response(prelude).text();
    expect(errors.map((e) => (e instanceof Error ? e.message : String(e)))).toEqual(['chunk gone']);
  });
});
