/* SPDX-License-Identifier: MIT */
/* main: the madoguchi binary. Everything happens in cli_main so that tests can call it. */
#include "app/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
