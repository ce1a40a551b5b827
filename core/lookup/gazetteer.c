/* gazetteer.c — entries: ids, types, names and attributes. */
#include <stdlib.h>
#include <string.h>

#include "base/embedded.h"
#include "lookup/batch.h"
#include "quarry/file.h"
#include "quarry/utf8.h"

qr_gazetteer *qr_gazetteer_new(void) {
  qr_gazetteer *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  g->ids = qr_lexicon_new();
  g->types = qr_lexicon_new();
  g->keys = qr_lexicon_new();
  g->words = qr_namewords_new();
  g->edge_slots = 64;
  g->edge_key = calloc(g->edge_slots, sizeof *g->edge_key);
  g->edge_child = calloc(g->edge_slots, sizeof *g->edge_child);
  /* node 0 is the root */
  g->acc_head = malloc(16 * sizeof *g->acc_head);
  g->nodes_cap = 16;
  if (!g->ids || !g->types || !g->keys || !g->words || !g->edge_key || !g->edge_child ||
      !g->acc_head) {
    qr_gazetteer_free(g);
    return NULL;
  }
  g->acc_head[0] = NO_ENTRY;
  g->nnodes = 1;
  g->limit = QR_GAZETTEER_LIMIT;
  g->stop_type = NO_ENTRY;
  return g;
}

/* Frees the arrays (and lexicons) of g, its own or a mapping's. */
static void release_arrays(qr_gazetteer *g) {
  qr_lexicon_free(g->ids);
  qr_lexicon_free(g->types);
  qr_lexicon_free(g->keys);
  g->ids = g->types = g->keys = NULL;
  if (g->map) {
    qr_gaz_unmap(g);
    return;
  }
  qr_buf_free(&g->strings);
  free(g->type);
  free(g->policy);
  free(g->eflags);
  free(g->name_first);
  free(g->name_count);
  free(g->attr_first);
  free(g->attr_count);
  free(g->name_off);
  free(g->attr_off);
  free(g->acc_head);
  free(g->acc_tail);
  free(g->acc_entry);
  free(g->acc_next);
  free(g->acc_flags);
  free(g->edge_key);
  free(g->edge_child);
}

void qr_gazetteer_free(qr_gazetteer *g) {
  if (!g) return;
  qr_segmenter_free(g->seg);
  qr_namewords_free(g->words);
  qr_tokens_free(&g->work_toks);
  qr_buf_free(&g->work_buf);
  release_arrays(g);
  free(g);
}

int qr_gazetteer_is_mapped(const qr_gazetteer *g) { return g->map != NULL; }

size_t qr_gazetteer_size(const qr_gazetteer *g) { return g->n; }
size_t qr_gazetteer_count(const qr_gazetteer *g) { return g->n - g->nremoved; }

int qr_gazetteer_live(const qr_gazetteer *g, size_t e) {
  return e < g->n && !(g->eflags[e] & EF_REMOVED);
}
uint64_t qr_gazetteer_version(const qr_gazetteer *g) { return g->version; }

/* The entry number of id, removed or not, or -1. */
static long find_any(const qr_gazetteer *g, const char *id) {
  uint32_t k = qr_lexicon_find(g->ids, id, strlen(id));
  return k == QR_LEX_NONE || k >= g->n ? -1 : (long)k;
}

long qr_gazetteer_find(const qr_gazetteer *g, const char *id) {
  long e = find_any(g, id);
  return e >= 0 && (g->eflags[e] & EF_REMOVED) ? -1 : e;
}

const char *qr_gazetteer_id(const qr_gazetteer *g, size_t e) {
  return qr_lexicon_str(g->ids, (uint32_t)e, NULL);
}

const char *qr_gazetteer_type(const qr_gazetteer *g, size_t e) {
  return qr_lexicon_str(g->types, g->type[e], NULL);
}

size_t qr_gazetteer_nnames(const qr_gazetteer *g, size_t e) { return g->name_count[e]; }

const char *qr_gazetteer_name(const qr_gazetteer *g, size_t e, size_t k) {
  if (k >= g->name_count[e]) return NULL;
  return g->strings.data + g->name_off[g->name_first[e] + k];
}

size_t qr_gazetteer_nattrs(const qr_gazetteer *g, size_t e) { return g->attr_count[e]; }

void qr_gazetteer_attr(const qr_gazetteer *g, size_t e, size_t k, const char **key,
                       const char **value) {
  const char *s = g->strings.data + g->attr_off[g->attr_first[e] + k];
  *key = s;
  *value = s + strlen(s) + 1;
}

qr_case_policy qr_gazetteer_case(const qr_gazetteer *g, size_t e) {
  return (qr_case_policy)g->policy[e];
}

size_t qr_gazetteer_memory(const qr_gazetteer *g) {
  return sizeof *g + qr_lexicon_memory(g->ids) + qr_lexicon_memory(g->types) +
         qr_lexicon_memory(g->keys) + g->strings.cap +
         g->cap * (sizeof *g->type + sizeof *g->policy + sizeof *g->eflags +
                   4 * sizeof(uint32_t)) +
         g->names_cap * sizeof *g->name_off + g->attrs_cap * sizeof *g->attr_off +
         g->nodes_cap * sizeof *g->acc_head +
         g->acc_cap * (sizeof *g->acc_entry + sizeof *g->acc_next + sizeof *g->acc_flags) +
         g->edge_slots * (sizeof *g->edge_key + sizeof *g->edge_child);
}

static int valid_id(const char *s) {
  if (!*s) return 0;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c <= ' ' || c == 0x7F) return 0;
  }
  return 1;
}

static int valid_type(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
  return 1;
}

static int valid_key(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_'))
      return 0;
  return 1;
}

static qr_status put_string(qr_gazetteer *g, const char *s, uint64_t *off) {
  *off = g->strings.len;
  return qr_buf_append(&g->strings, s, strlen(s) + 1);
}

/* Makes room for one more entry in every per-entry array. */
static qr_status grow_entries(qr_gazetteer *g) {
  if (g->n < g->cap) return QR_OK;
  size_t cap = g->cap ? g->cap * 2 : 64;
  void *p;
#define GROW(field)                                       \
  if (!(p = realloc(g->field, cap * sizeof *g->field))) return QR_ENOMEM; \
  g->field = p;
  GROW(type) GROW(policy) GROW(eflags) GROW(name_first) GROW(name_count) GROW(attr_first)
  GROW(attr_count)
#undef GROW
  g->cap = cap;
  return QR_OK;
}

/* Checks the whole entry before anything is changed, so that a failed add
 * leaves the gazetteer as it was (only memory may have grown). */
qr_status qr_gaz_check(const qr_gazetteer *g, const char *id, const char *type,
                       const char *const *names, size_t nnames, const char *const *attrs,
                       size_t nattrs, qr_error *err) {
  if (!*id) return qr_error_set(err, QR_EDATA, "empty id");
  if (!valid_id(id)) return qr_error_set(err, QR_EDATA, "bad id '%s' (no spaces allowed)", id);
  if (!valid_type(type))
    return qr_error_set(err, QR_EDATA, "bad type '%s' (expected upper-case letters, digits, _)",
                        type);
  long e = qr_gazetteer_find(g, id);
  if (e >= 0 && strcmp(qr_gazetteer_type(g, (size_t)e), type) != 0)
    return qr_error_set(err, QR_EDATA, "id '%s' already exists with type %s", id,
                        qr_gazetteer_type(g, (size_t)e));
  if (e < 0 && nnames == 0) return qr_error_set(err, QR_EDATA, "entry '%s' has no name", id);
  for (size_t k = 0; k < nnames; k++) {
    size_t bad;
    const char *nm = names[k];
    if (!*nm) return qr_error_set(err, QR_EDATA, "empty name for '%s'", id);
    if (qr_utf8_check(nm, strlen(nm), &bad))
      return qr_error_set(err, QR_EDATA, "name %zu of '%s' is not valid UTF-8 (byte %zu)", k + 1,
                          id, bad + 1);
    if (!qr_gaz_name_has_word(nm))
      return qr_error_set(err, QR_EDATA, "name '%s' of '%s' has no word in it", nm, id);
  }
  for (size_t k = 0; k < nattrs; k++) {
    if (!valid_key(attrs[2 * k]))
      return qr_error_set(err, QR_EDATA, "bad attribute name '%s' (letters, digits, _)",
                          attrs[2 * k]);
  }
  return QR_OK;
}

qr_status qr_gazetteer_add(qr_gazetteer *g, const char *id, const char *type,
                           const char *const *names, size_t nnames, const char *const *attrs,
                           size_t nattrs, qr_case_policy policy, qr_error *err) {
  qr_status rc = qr_gaz_check(g, id, type, names, nnames, attrs, nattrs, err);
  if (rc) return rc;
  return qr_gaz_add_checked(g, id, type, names, nnames, attrs, nattrs, policy, err);
}

/* Entry e starts over with this type and policy, without names or
 * attributes (which go to the ends of their arrays). */
static qr_status start_entry(qr_gazetteer *g, size_t e, const char *type,
                             qr_case_policy policy) {
  uint32_t tk;
  if (qr_lexicon_intern(g->types, type, strlen(type), &tk)) return QR_ENOMEM;
  g->type[e] = tk;
  g->policy[e] = (uint8_t)policy;
  g->eflags[e] = strcmp(type, QR_STOP_TYPE) == 0 ? EF_STOP : 0;
  g->name_first[e] = (uint32_t)g->nnames;
  g->name_count[e] = 0;
  g->attr_first[e] = (uint32_t)g->nattrs;
  g->attr_count[e] = 0;
  return QR_OK;
}

/* Would adding these names and attributes to entry e (-1: a new one) pass
 * one of g's limits? Counted as the worst case: the entry's names and
 * attributes move to the ends of their arrays. */
static qr_status check_limits(const qr_gazetteer *g, long e, size_t nnames, size_t nattrs,
                              qr_error *err) {
  size_t lim = g->limit, old_names = e >= 0 ? g->name_count[e] : 0;
  size_t old_attrs = e >= 0 ? g->attr_count[e] : 0;
  const char *what = e < 0 && g->n >= lim                             ? "entries"
                     : g->nnames + old_names + nnames > lim           ? "names"
                     : g->nattrs + old_attrs + nattrs > lim           ? "attributes"
                                                                      : NULL;
  if (!what) return QR_OK;
  return qr_error_set(err, QR_ELIMIT, "the gazetteer is full: it holds at most %zu %s", lim, what);
}

qr_status qr_gaz_add_checked(qr_gazetteer *g, const char *id, const char *type,
                             const char *const *names, size_t nnames, const char *const *attrs,
                             size_t nattrs, qr_case_policy policy, qr_error *err) {
  qr_status rc;
  uint32_t known = qr_lexicon_find(g->ids, id, strlen(id));
  if ((rc = check_limits(g, known < g->n ? (long)known : -1, nnames, nattrs, err)))
    return rc;
  if (qr_gaz_thaw(g)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  /* one probe of the ids: an id is interned as its entry is made, so an id
   * new to the lexicon is the next entry's (string i is entry i's id) */
  uint32_t idk;
  rc = qr_lexicon_intern(g->ids, id, strlen(id), &idk);
  if (rc) return qr_error_set(err, rc, "%s", qr_status_string(rc));
  long found = idk < g->n ? (long)idk : -1;
  size_t e;
  if (found >= 0 && (g->eflags[found] & EF_REMOVED)) {
    /* a removed entry comes back: new type, names and attributes */
    e = (size_t)found;
    if (start_entry(g, e, type, policy)) return qr_error_set(err, QR_ENOMEM, "out of memory");
    g->nremoved--;
  } else if (found >= 0) {
    /* more names for an existing entry: names live contiguously per entry,
     * so the entry's names move to the end of the array */
    e = (size_t)found;
    size_t old_first = g->name_first[e], old_n = g->name_count[e];
    if (qr_grow((void **)&g->name_off, &g->names_cap, g->nnames + old_n + nnames,
                sizeof *g->name_off))
      return qr_error_set(err, QR_ENOMEM, "out of memory");
    if (old_first + old_n != g->nnames) {
      memmove(g->name_off + g->nnames, g->name_off + old_first, old_n * sizeof *g->name_off);
      g->name_first[e] = (uint32_t)g->nnames;
      g->nnames += old_n;
    }
  } else {
    if (grow_entries(g) || start_entry(g, g->n, type, policy))
      return qr_error_set(err, QR_ENOMEM, "out of memory");
    e = g->n++;
  }
  if (policy != QR_CASE_AUTO) g->policy[e] = (uint8_t)policy;
  if (qr_grow((void **)&g->name_off, &g->names_cap, g->nnames + nnames, sizeof *g->name_off))
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  /* a name given twice (or equal to the preferred one) is kept once: the
   * names so far are compared one by one when there are few, else looked
   * up in a table of them (an entry may have thousands) */
  qr_lexicon *seen = NULL;
  if (g->name_count[e] + nnames > 16) {
    seen = qr_lexicon_new();
    for (size_t j = 0; seen && j < g->name_count[e]; j++) {
      const char *nm = qr_gazetteer_name(g, e, j);
      uint32_t sid;
      if (qr_lexicon_intern(seen, nm, strlen(nm), &sid)) {
        qr_lexicon_free(seen);
        seen = NULL;
      }
    }
    if (!seen) return qr_error_set(err, QR_ENOMEM, "out of memory");
  }
  for (size_t k = 0; k < nnames; k++) {
    int dup = 0;
    if (seen) {
      size_t before = qr_lexicon_size(seen);
      uint32_t sid;
      if (qr_lexicon_intern(seen, names[k], strlen(names[k]), &sid)) {
        qr_lexicon_free(seen);
        return qr_error_set(err, QR_ENOMEM, "out of memory");
      }
      dup = qr_lexicon_size(seen) == before;
    } else {
      for (size_t j = 0; j < g->name_count[e] && !dup; j++)
        dup = strcmp(qr_gazetteer_name(g, e, j), names[k]) == 0;
    }
    if (dup) continue;
    if (put_string(g, names[k], &g->name_off[g->nnames])) {
      qr_lexicon_free(seen);
      return qr_error_set(err, QR_ENOMEM, "out of memory");
    }
    g->nnames++;
    g->name_count[e]++;
  }
  qr_lexicon_free(seen);
  if (nattrs) {
    if (g->attr_first[e] + g->attr_count[e] != g->nattrs && g->attr_count[e]) {
      if (qr_grow((void **)&g->attr_off, &g->attrs_cap, g->nattrs + g->attr_count[e],
                  sizeof *g->attr_off))
        return qr_error_set(err, QR_ENOMEM, "out of memory");
      memmove(g->attr_off + g->nattrs, g->attr_off + g->attr_first[e],
              g->attr_count[e] * sizeof *g->attr_off);
      g->attr_first[e] = (uint32_t)g->nattrs;
      g->nattrs += g->attr_count[e];
    } else if (!g->attr_count[e]) {
      g->attr_first[e] = (uint32_t)g->nattrs;
    }
    if (qr_grow((void **)&g->attr_off, &g->attrs_cap, g->nattrs + nattrs, sizeof *g->attr_off))
      return qr_error_set(err, QR_ENOMEM, "out of memory");
    for (size_t k = 0; k < nattrs; k++) {
      uint64_t off;
      if (put_string(g, attrs[2 * k], &off) || qr_buf_append(&g->strings, attrs[2 * k + 1],
                                                             strlen(attrs[2 * k + 1]) + 1))
        return qr_error_set(err, QR_ENOMEM, "out of memory");
      g->attr_off[g->nattrs++] = off;
      g->attr_count[e]++;
    }
  }
  /* compile every name (again): the case policy may have changed, so the
   * entry's old accept records go first */
  if (found >= 0) qr_gaz_unlink_entry(g, e);
  for (size_t k = 0; k < g->name_count[e]; k++) {
    rc = qr_gaz_compile_name(g, e, qr_gazetteer_name(g, e, k), err);
    if (rc) return rc;
  }
  g->version++;
  return QR_OK;
}

/* Does the text look like a GeoNames dump: its first line that is not a
 * comment has 19 tab-separated fields, the first of them digits? */
static int looks_like_geonames(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && (s[i] == '#' || s[i] == '\n')) {   /* comment lines */
    const char *nl = memchr(s + i, '\n', n - i);
    i = nl ? (size_t)(nl - s) + 1 : n;
  }
  size_t digits = 0, tabs = 0;
  while (i + digits < n && s[i + digits] >= '0' && s[i + digits] <= '9') digits++;
  for (size_t k = i; k < n && s[k] != '\n'; k++) tabs += s[k] == '\t';
  return digits > 0 && i + digits < n && s[i + digits] == '\t' && tabs == 18;
}

/* Maps a compiled gazetteer into the bare gazetteer m: from the file at
 * path, or from the bytes data[0, len) when data is not NULL. */
static qr_status map_compiled(qr_gazetteer *m, const char *path, const void *data, size_t len,
                              qr_error *err) {
  memset(m, 0, sizeof *m);
  return data ? qr_gaz_map_bytes(m, data, len, path, err) : qr_gaz_map(m, path, err);
}

/* A compiled gazetteer: an empty g takes its mapping over (and loads in
 * milliseconds); into one with entries, its entries are added one by one. */
static qr_status load_compiled(qr_gazetteer *g, const char *path, const void *data, size_t len,
                               qr_error *err) {
  if (g->n == 0 && !g->map) {
    qr_gazetteer tmp;
    qr_status rc = map_compiled(&tmp, path, data, len, err);
    if (rc) return rc;
    qr_segmenter *seg = g->seg;
    qr_namewords *words = g->words;
    uint64_t version = g->version;
    size_t limit = g->limit;
    release_arrays(g);   /* the empty ones */
    *g = tmp;
    g->seg = seg;
    g->words = words;
    g->limit = limit;
    g->version = version + 1;
    return QR_OK;
  }
  /* the file is mapped into a bare gazetteer (no arrays of its own to leak)
   * and its entries are added to g */
  qr_gazetteer mapped;
  const qr_gazetteer *src = &mapped;
  qr_status rc = map_compiled(&mapped, path, data, len, err);
  qr_gaz_batch b;
  qr_gaz_batch_init(&b, g, path);
  const char *ptrs[256];
  for (size_t e = 0; rc == QR_OK && e < src->n; e++) {
    if (!qr_gazetteer_live(src, e)) continue;
    size_t nn = qr_gazetteer_nnames(src, e), na = qr_gazetteer_nattrs(src, e);
    if (nn + 2 * na > sizeof ptrs / sizeof *ptrs) {
      rc = qr_error_set(err, QR_ELIMIT, "%s: entry '%s' has too many names to merge", path,
                        qr_gazetteer_id(src, e));
      break;
    }
    for (size_t k = 0; k < nn; k++) ptrs[k] = qr_gazetteer_name(src, e, k);
    for (size_t k = 0; k < na; k++) qr_gazetteer_attr(src, e, k, &ptrs[nn + 2 * k], &ptrs[nn + 2 * k + 1]);
    rc = qr_gaz_batch_add(&b, e + 1, qr_gazetteer_id(src, e), qr_gazetteer_type(src, e), ptrs, nn,
                          ptrs + nn, na, qr_gazetteer_case(src, e), err);
  }
  if (rc == QR_OK) rc = qr_gaz_batch_commit(&b, g, err);
  qr_gaz_batch_free(&b);
  release_arrays(&mapped);
  return rc;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

int qr_gazetteer_is_builtin(const char *path) {
  return path && strcmp(path, QR_WORLD_GAZETTEER) == 0;
}

qr_status qr_gazetteer_load_file_as(qr_gazetteer *g, const char *path, const char *format,
                                    qr_error *err) {
  if (format && strcmp(format, "tsv") != 0 && strcmp(format, "jsonl") != 0 &&
      strcmp(format, "geonames") != 0)
    return qr_error_set(err, QR_EARG, "unknown gazetteer format '%s' (expected tsv, jsonl or "
                        "geonames)", format);
  if (qr_gazetteer_is_builtin(path)) {
    /* made by core/build/world.lua and compiled into the binary */
    const qr_embedded_file *w = qr_embedded_find("core/lookup/data/world.tsv");
    if (!w) return qr_error_set(err, QR_EDATA, "%s: not built into this quarry", path);
    return qr_gazetteer_load_tsv(g, w->data, w->len, path, err);
  }
  qr_file f;
  qr_status rc = qr_file_open(&f, path, err);
  if (rc) return rc;
  if (!format && qr_gazetteer_is_compiled(f.data, f.len)) {
    qr_file_close(&f);
    return load_compiled(g, path, NULL, 0, err);
  }
  if (!format)
    format = ends_with(path, ".jsonl") ? "jsonl"
             : looks_like_geonames(f.data, f.len) ? "geonames" : "tsv";
  if (strcmp(format, "jsonl") == 0) rc = qr_gazetteer_load_jsonl(g, f.data, f.len, path, err);
  else if (strcmp(format, "geonames") == 0)
    rc = qr_gazetteer_load_geonames(g, f.data, f.len, path, err);
  else rc = qr_gazetteer_load_tsv(g, f.data, f.len, path, err);
  qr_file_close(&f);
  return rc;
}

qr_status qr_gazetteer_load_compiled(qr_gazetteer *g, const void *data, size_t len,
                                     const char *name, qr_error *err) {
  return load_compiled(g, name, data, len, err);
}

qr_status qr_gazetteer_load_file(qr_gazetteer *g, const char *path, qr_error *err) {
  return qr_gazetteer_load_file_as(g, path, NULL, err);
}

qr_status qr_gazetteer_remove(qr_gazetteer *g, const char *id) {
  long e = qr_gazetteer_find(g, id);
  if (e < 0) return QR_EARG;
  if (qr_gaz_thaw(g)) return QR_ENOMEM;
  qr_gaz_unlink_entry(g, (size_t)e);
  g->eflags[e] |= EF_REMOVED;
  g->nremoved++;
  g->version++;
  return QR_OK;
}

/* Strings go in with their NUL, so that ("ab", "c") and ("a", "bc") differ. */
static uint64_t hash_str(uint64_t h, const char *s) {
  return qr_hash_step(h, qr_hash_bytes(s, strlen(s) + 1));
}

uint64_t qr_gazetteer_fingerprint(const qr_gazetteer *g) {
  uint64_t h = qr_hash_step(qr_hash_seed(2), QR_MATCH_RULES);
  for (size_t e = 0; e < qr_gazetteer_size(g); e++) {
    if (!qr_gazetteer_live(g, e)) {
      h = qr_hash_step(h, 0x5eed);   /* entry numbers are mention data: holes count */
      continue;
    }
    h = hash_str(h, qr_gazetteer_id(g, e));
    h = hash_str(h, qr_gazetteer_type(g, e));
    h = qr_hash_step(h, (uint64_t)qr_gazetteer_case(g, e));
    size_t nn = qr_gazetteer_nnames(g, e), na = qr_gazetteer_nattrs(g, e);
    h = qr_hash_step(h, nn << 32 | na);
    for (size_t k = 0; k < nn; k++) h = hash_str(h, qr_gazetteer_name(g, e, k));
    for (size_t k = 0; k < na; k++) {
      const char *key, *value;
      qr_gazetteer_attr(g, e, k, &key, &value);
      h = hash_str(hash_str(h, key), value);
    }
  }
  return qr_hash_mix(h);
}
