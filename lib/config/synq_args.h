/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_ARGS_H
#define SYNQ_ARGS_H

/**
 * @file
 * The command lines of synq's programs: `prog [EAL args] -- [own options]`. Shared so
 * that every program splits them the same way and none starts EAL by mistake.
 */

/**
 * Where EAL's arguments end in @p argv: the index of "--"; @p argc when there is
 * none (all are EAL's); 0 when there is none and argv[1] is one of @p ours (a
 * NULL-terminated list of "--name" options of the program's own, given as "--name"
 * or "--name=value"): then every argument is the program's, and EAL must not start,
 * since with no arguments it would probe every PCI device of the machine.
 */
int synq_args_eal_end(int argc, char **argv, const char *const *ours);

#endif /* SYNQ_ARGS_H */
