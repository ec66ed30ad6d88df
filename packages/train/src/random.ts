export { Random } from '@msc/core';
