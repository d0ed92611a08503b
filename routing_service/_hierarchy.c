/* A customizable contraction hierarchy (CCH) over the walk network, called through ctypes.
 *
 * Why: a point-to-point query on a contraction hierarchy walks only the ancestors of its two
 * ends in the elimination tree (a few hundred nodes in a city), so it costs about the same in a
 * city ten times larger, where even a well-bounded Dijkstra settles more and more nodes.
 *
 * Three steps, as in Dibbelt, Strasser and Wagner, "Customizable Contraction Hierarchies" (2016):
 *   1. order (once per graph, independent of costs): nested dissection with inertial-flow
 *      separators (_hierarchy_order.c); each cut's separator is ranked above both sides;
 *   2. contract (once per graph): the chordal completion of the undirected graph in that order;
 *      every node's upward neighbours become arcs, and the lowest of them is its parent in the
 *      elimination tree;
 *   3. customize (once per cost vector): every arc gets the cheapest cost of the original edges
 *      in each direction, then each lower triangle (v below a below b) may improve arc (a, b)
 *      by going through v; the arcs' "via" arcs let a query unpack the original edges.
 * A query starts at weighted sources (the ends of the origin's way) and walks their ancestors in
 * rank order relaxing upward arcs; the targets' search does the same with the reverse costs;
 * the cheapest node reached by both is on the shortest path. Exact, with no bound to tune.
 *
 * Plain C without Python.h, built by setuptools as an extension file and loaded with ctypes
 * (which releases the GIL for the call); every query has its own workspace.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "_hierarchy.h"

typedef struct { int32_t *v; int32_t len, cap; } List;

static int push(List *l, int32_t x) {
    if (l->len == l->cap) {
        int32_t cap = l->cap ? 2 * l->cap : 4;
        int32_t *v = realloc(l->v, (size_t)cap * sizeof(int32_t));
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->len++] = x;
    return 0;
}

static const int32_t *g_rank_for_sort;  /* only used under the build, which is single-threaded */

typedef struct {
    int32_t n;
    int64_t n_arcs;
    int32_t *rank, *order;
    int64_t *first;        /* arcs of node v: first[v] .. first[v+1], heads by rising rank */
    int32_t *head, *tail, *parent;
} Hierarchy;

static int by_rank_of(const void *a, const void *b) {
    return g_rank_for_sort[*(const int32_t *)a] - g_rank_for_sort[*(const int32_t *)b];
}

void lotse_cch_free(Hierarchy *h) {
    if (!h) return;
    free(h->rank); free(h->order); free(h->first); free(h->head); free(h->tail); free(h->parent);
    free(h);
}

/* Order and contract; NULL when memory runs out (or the arcs outgrow int32 numbers). */
Hierarchy *lotse_cch_build(int32_t n, int64_t m, const int32_t *edge_u, const int32_t *edge_v,
                           const double *x, const double *y) {
    Hierarchy *h = calloc(1, sizeof(Hierarchy));
    List *up = calloc((size_t)n + 1, sizeof(List));
    if (!h || !up) goto fail;
    h->n = n;
    h->rank = malloc(((size_t)n + 1) * sizeof(int32_t));
    h->order = malloc(((size_t)n + 1) * sizeof(int32_t));
    h->parent = malloc(((size_t)n + 1) * sizeof(int32_t));
    h->first = malloc(((size_t)n + 1) * sizeof(int64_t));
    if (!h->rank || !h->order || !h->parent || !h->first) goto fail;
    if (lotse_cch_order(n, m, edge_u, edge_v, x, y, h->rank)) goto fail;
    for (int32_t v = 0; v < n; v++) h->order[h->rank[v]] = v;
    /* contraction: a node's upward neighbours all become neighbours of each other. Handing
     * them to the lowest of them (its parent) is enough: when the parent's turn comes it hands
     * them on in the same way, so every pair is joined, with each list growing only by what
     * its children hand it (symbolic factorization along the elimination tree) */
    for (int64_t e = 0; e < m; e++) {
        int32_t u = edge_u[e], v = edge_v[e];
        if (u == v) continue;  /* self-loops never help a shortest path */
        if (h->rank[u] < h->rank[v] ? push(&up[u], v) : push(&up[v], u)) goto fail;
    }
    g_rank_for_sort = h->rank;
    int64_t arcs = 0;
    for (int32_t r = 0; r < n; r++) {
        List *l = &up[h->order[r]];
        if (l->len > 1) qsort(l->v, l->len, sizeof(int32_t), by_rank_of);
        int32_t kept = 0;
        for (int32_t i = 0; i < l->len; i++)
            if (kept == 0 || l->v[kept - 1] != l->v[i]) l->v[kept++] = l->v[i];
        l->len = kept;
        arcs += kept;
        for (int32_t j = 1; j < kept; j++)
            if (push(&up[l->v[0]], l->v[j])) goto fail;
    }
    if (arcs >= INT32_MAX) goto fail;  /* arcs are numbered in int32 */
    h->n_arcs = arcs;
    h->head = malloc(((size_t)arcs + 1) * sizeof(int32_t));
    h->tail = malloc(((size_t)arcs + 1) * sizeof(int32_t));
    if (!h->head || !h->tail) goto fail;
    int64_t k = 0;
    for (int32_t v = 0; v < n; v++) {
        h->first[v] = k;
        h->parent[v] = up[v].len ? up[v].v[0] : -1;
        for (int32_t i = 0; i < up[v].len; i++) {
            h->head[k] = up[v].v[i];
            h->tail[k++] = v;
        }
    }
    h->first[n] = k;
    for (int32_t v = 0; v < n; v++) free(up[v].v);
    free(up);
    return h;
fail:
    if (up) for (int32_t v = 0; v < n; v++) free(up[v].v);
    free(up);
    lotse_cch_free(h);
    return NULL;
}

int64_t lotse_cch_arcs(const Hierarchy *h) { return h->n_arcs; }

/* Copies the hierarchy out (rank, order, parent: n; first: n + 1; head, tail: arcs). */
void lotse_cch_export(const Hierarchy *h, int32_t *rank, int32_t *order, int32_t *parent,
                      int64_t *first, int32_t *head, int32_t *tail) {
    memcpy(rank, h->rank, (size_t)h->n * sizeof(int32_t));
    memcpy(order, h->order, (size_t)h->n * sizeof(int32_t));
    memcpy(parent, h->parent, (size_t)h->n * sizeof(int32_t));
    memcpy(first, h->first, ((size_t)h->n + 1) * sizeof(int64_t));
    memcpy(head, h->head, (size_t)h->n_arcs * sizeof(int32_t));
    memcpy(tail, h->tail, (size_t)h->n_arcs * sizeof(int32_t));
}

/* The arc (a, b) with rank[a] < rank[b], or -1 (binary search over a's heads by rank). */
static int64_t arc_of(const int64_t *first, const int32_t *head, const int32_t *rank,
                      int32_t a, int32_t b) {
    int64_t lo = first[a], hi = first[a + 1];
    int32_t rb = rank[b];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        int32_t r = rank[head[mid]];
        if (r == rb) return mid;
        if (r < rb) lo = mid + 1; else hi = mid;
    }
    return -1;
}

/* One cost vector's metric: up[k] = cost tail -> head, down[k] = cost head -> tail, and how
 * each is walked (up_how, down_how): an original edge (its id, >= 0), through the node v below
 * both ends (-2 - v: a shortcut over the arcs (v, tail) and (v, head)), or not at all (-1).
 * Four numbers per arc: a worker keeps one metric per cached cost vector. */
void lotse_cch_customize(int32_t n, int64_t m, const int32_t *order, const int32_t *rank,
                         const int64_t *first, const int32_t *head,
                         const int32_t *edge_u, const int32_t *edge_v, const double *cost,
                         double *up, double *down, int32_t *up_how, int32_t *down_how) {
    int64_t arcs = first[n];
    for (int64_t k = 0; k < arcs; k++) {
        up[k] = down[k] = INFINITY;
        up_how[k] = down_how[k] = -1;
    }
    for (int64_t e = 0; e < m; e++) {
        int32_t u = edge_u[e], v = edge_v[e];
        double c = cost[e];
        if (u == v || !(c < INFINITY)) continue;
        if (rank[u] < rank[v]) {
            int64_t k = arc_of(first, head, rank, u, v);
            if (c < up[k]) { up[k] = c; up_how[k] = (int32_t)e; }
        } else {
            int64_t k = arc_of(first, head, rank, v, u);
            if (c < down[k]) { down[k] = c; down_how[k] = (int32_t)e; }
        }
    }
    /* lower triangles, bottoms in rising rank: arcs (v, a) and (v, b) are final by then */
    for (int32_t r = 0; r < n; r++) {
        int32_t v = order[r];
        for (int64_t i = first[v]; i < first[v + 1]; i++) {
            for (int64_t j = i + 1; j < first[v + 1]; j++) {
                double via_up = down[i] + up[j];    /* a -> v -> b */
                double via_down = down[j] + up[i];  /* b -> v -> a */
                if (!(via_up < INFINITY) && !(via_down < INFINITY)) continue;
                int64_t k = arc_of(first, head, rank, head[i], head[j]);
                if (k < 0) continue;  /* cannot happen in a chordal completion */
                if (via_up < up[k]) { up[k] = via_up; up_how[k] = -2 - v; }
                if (via_down < down[k]) { down[k] = via_down; down_how[k] = -2 - v; }
            }
        }
    }
}

typedef struct {
    int32_t n;
    uint32_t gen;
    double *dist[2];
    int64_t *pred[2];      /* arc reached by, or -2 - slot for a source / target entry */
    uint32_t *stamp[2];
    int32_t *chain[2], *merged;
    int64_t *stack;
    int64_t stack_cap;
    int64_t visited;
} Workspace;

void lotse_cch_ws_free(Workspace *w) {
    if (!w) return;
    for (int s = 0; s < 2; s++) { free(w->dist[s]); free(w->pred[s]); free(w->stamp[s]);
                                  free(w->chain[s]); }
    free(w->merged); free(w->stack); free(w);
}

Workspace *lotse_cch_ws_new(int32_t n) {
    Workspace *w = calloc(1, sizeof(Workspace));
    if (!w) return NULL;
    w->n = n;
    size_t sz = (size_t)n + 1;
    for (int s = 0; s < 2; s++) {
        w->dist[s] = malloc(sz * sizeof(double));
        w->pred[s] = malloc(sz * sizeof(int64_t));
        w->stamp[s] = calloc(sz, sizeof(uint32_t));
        w->chain[s] = malloc(2 * sz * sizeof(int32_t));
        if (!w->dist[s] || !w->pred[s] || !w->stamp[s] || !w->chain[s]) goto fail;
    }
    w->merged = malloc(2 * sz * sizeof(int32_t));
    w->stack_cap = 64;
    w->stack = malloc((size_t)w->stack_cap * sizeof(int64_t));
    if (!w->merged || !w->stack) goto fail;
    return w;
fail:
    lotse_cch_ws_free(w);
    return NULL;
}

int64_t lotse_cch_ws_visited(const Workspace *w) { return w->visited; }

/* One side's chain: its entries' ancestors in rising rank (in w->chain[side]), their distances
 * unknown but for the entries' own. Returns its length. */
static int32_t chain_up(Workspace *w, int side, const int32_t *rank, const int32_t *parent,
                        int32_t count, const int32_t *node, const double *start) {
    double *dist = w->dist[side];
    int64_t *pred = w->pred[side];
    uint32_t *stamp = w->stamp[side];
    int32_t *chain = w->chain[side];
    int32_t len[2] = {0, 0};
    int32_t *runs[2] = {w->merged, w->merged + w->n + 1};
    for (int32_t i = 0; i < count && i < 2; i++) {
        for (int32_t x = node[i]; x >= 0 && stamp[x] != w->gen; x = parent[x]) {
            stamp[x] = w->gen;
            dist[x] = INFINITY;
            pred[x] = -1;
            runs[i][len[i]++] = x;
        }
    }
    /* the two runs rise in rank each: merge them */
    int32_t a = 0, b = 0, total = 0;
    while (a < len[0] || b < len[1]) {
        if (b >= len[1] || (a < len[0] && rank[runs[0][a]] < rank[runs[1][b]]))
            chain[total++] = runs[0][a++];
        else
            chain[total++] = runs[1][b++];
    }
    for (int32_t i = 0; i < count; i++) {
        int32_t x = node[i];
        if (x >= 0 && start[i] < dist[x]) { dist[x] = start[i]; pred[x] = -2 - i; }
    }
    return total;
}

static void relax(double *dist, int64_t *pred, const int64_t *first, const int32_t *head,
                  const double *cost, int32_t x) {
    double d = dist[x];
    for (int64_t k = first[x]; k < first[x + 1]; k++) {
        double nd = d + cost[k];
        int32_t y = head[k];
        if (nd < dist[y]) { dist[y] = nd; pred[y] = k; }
    }
}

static int push_arc(Workspace *w, int64_t *top, int64_t item) {
    if (*top == w->stack_cap) {
        int64_t cap = 2 * w->stack_cap;
        int64_t *s = realloc(w->stack, (size_t)cap * sizeof(int64_t));
        if (!s) return -1;
        w->stack = s;
        w->stack_cap = cap;
    }
    w->stack[(*top)++] = item;
    return 0;
}

typedef struct {           /* what unpacking reads: the arcs, and how one metric walks them */
    const int32_t *rank, *head, *tail;
    const int64_t *first;
    const int32_t *up_how, *down_how;
} Graph;

/* Unpacks arc k walked up (tail -> head, dir 0) or down (head -> tail, dir 1) into original
 * edges appended at out[*len]; -2 when out or memory runs short. */
static int unpack(Workspace *w, const Graph *g, int64_t k, int dir, int32_t *out, int64_t cap,
                  int64_t *len) {
    int64_t top = 0;
    if (push_arc(w, &top, 2 * k + dir)) return -2;
    while (top > 0) {
        int64_t item = w->stack[--top];
        int64_t arc = item >> 1;
        int d = (int)(item & 1);
        int32_t how = d ? g->down_how[arc] : g->up_how[arc];
        if (how >= 0) {
            if (*len >= cap) return -2;
            out[(*len)++] = how;
            continue;
        }
        int32_t v = -2 - how;   /* tail -> v -> head: (v, tail) walked down, (v, head) up */
        int64_t to_tail = arc_of(g->first, g->head, g->rank, v, g->tail[arc]);
        int64_t to_head = arc_of(g->first, g->head, g->rank, v, g->head[arc]);
        /* pushed in reverse order of walking; walking down, the reverse way */
        int64_t first_item = d ? 2 * to_head + 1 : 2 * to_tail + 1;
        int64_t second_item = d ? 2 * to_tail : 2 * to_head;
        if (push_arc(w, &top, second_item) || push_arc(w, &top, first_item)) return -2;
    }
    return 0;
}

/* Cheapest path from the weighted sources to the weighted targets. Returns the number of
 * original edges written to out_edges (the path between the source and target nodes, in walking
 * order), -1 when there is no path, -2 when out_edges or memory ran short. out_slots: which
 * source and which target entry the path uses; out_cost: its cost. */
int64_t lotse_cch_query(Workspace *w, const int32_t *rank, const int32_t *parent,
                        const int64_t *first, const int32_t *head, const int32_t *tail,
                        const double *up, const double *down, const int32_t *up_how,
                        const int32_t *down_how,
                        int32_t n_src, const int32_t *src_node, const double *src_cost,
                        int32_t n_dst, const int32_t *dst_node, const double *dst_cost,
                        int32_t *out_edges, int64_t out_cap, int32_t *out_slots,
                        double *out_cost) {
    const Graph g = {rank, head, tail, first, up_how, down_how};
    if (++w->gen == 0) {  /* stamps wrapped around: clear them */
        for (int s = 0; s < 2; s++) memset(w->stamp[s], 0, ((size_t)w->n + 1) * sizeof(uint32_t));
        w->gen = 1;
    }
    int32_t nf = chain_up(w, 0, rank, parent, n_src, src_node, src_cost);
    int32_t nb = chain_up(w, 1, rank, parent, n_dst, dst_node, dst_cost);
    /* both chains in one rising walk: a node's distance is final when it is reached (every arc
     * into it comes from below), a node on both chains may be where the path turns, and a node
     * already as dear as the best path so far has nothing to relax (the top of the tree, for a
     * short route) */
    double *df = w->dist[0], *db = w->dist[1];
    const int32_t *cf = w->chain[0], *cb = w->chain[1];
    double best = INFINITY;
    int32_t meet = -1, i = 0, j = 0;
    int64_t relaxed = 0;
    while (i < nf || j < nb) {
        int on_f = i < nf && (j >= nb || rank[cf[i]] <= rank[cb[j]]);
        int on_b = j < nb && (i >= nf || rank[cb[j]] <= rank[cf[i]]);
        int32_t x = on_f ? cf[i++] : cb[j];
        if (on_b) j++;
        if (on_f && on_b && df[x] + db[x] < best) { best = df[x] + db[x]; meet = x; }
        if (on_f && df[x] < best) { relax(df, w->pred[0], first, head, up, x); relaxed++; }
        if (on_b && db[x] < best) { relax(db, w->pred[1], first, head, down, x); relaxed++; }
    }
    w->visited = relaxed;
    if (meet < 0) return -1;
    *out_cost = best;
    /* forward half: the arcs from the meeting node back to a source (kept in `merged`, free
     * once the chains are made), then unpacked from the source on */
    int64_t len = 0, n_arcs = 0;
    int32_t *back = w->merged;
    int32_t x = meet;
    while (w->pred[0][x] >= 0) {
        int64_t k = w->pred[0][x];
        back[n_arcs++] = (int32_t)k;
        x = tail[k];
    }
    out_slots[0] = (int32_t)(-2 - w->pred[0][x]);
    int rc = 0;
    for (int64_t i = n_arcs - 1; i >= 0 && rc == 0; i--)
        rc = unpack(w, &g, back[i], 0, out_edges, out_cap, &len);
    if (rc) return rc;
    x = meet;
    while (w->pred[1][x] >= 0) {
        int64_t k = w->pred[1][x];
        rc = unpack(w, &g, k, 1, out_edges, out_cap, &len);
        if (rc) return rc;
        x = tail[k];
    }
    out_slots[1] = (int32_t)(-2 - w->pred[1][x]);
    return len;
}
