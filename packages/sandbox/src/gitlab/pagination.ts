import { ApiResponse, Params } from './http';
import { integerParam } from './params';

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;

/**
 * One page of `items` with GitLab's offset-pagination headers. Out-of-range values fall back
 * the way GitLab's do: `per_page` to the default below 1 and to 100 above it, `page` to 1.
 */
export function paginate<T>(
  url: URL,
  params: Params,
  items: readonly T[],
): ApiResponse {
  const askedPerPage = integerParam(params, 'per_page') ?? DEFAULT_PER_PAGE;
  const perPage =
    askedPerPage < 1 ? DEFAULT_PER_PAGE : Math.min(askedPerPage, MAX_PER_PAGE);
  const page = Math.max(1, integerParam(params, 'page') ?? 1);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const next = page < totalPages ? page + 1 : undefined;
  const prev = page > 1 ? Math.min(page - 1, totalPages) : undefined;

  const linkTo = (target: number, rel: string) => {
    const link = new URL(url);
    link.searchParams.set('page', String(target));
    link.searchParams.set('per_page', String(perPage));
    return `<${link}>; rel="${rel}"`;
  };
  const links = [
    prev !== undefined ? linkTo(prev, 'prev') : undefined,
    next !== undefined ? linkTo(next, 'next') : undefined,
    linkTo(1, 'first'),
    linkTo(totalPages, 'last'),
  ].filter((link): link is string => link !== undefined);

  return {
    status: 200,
    body: items.slice((page - 1) * perPage, page * perPage),
    headers: {
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-total': String(items.length),
      'x-total-pages': String(totalPages),
      'x-next-page': next === undefined ? '' : String(next),
      'x-prev-page': prev === undefined ? '' : String(prev),
      link: links.join(', '),
    },
  };
}
