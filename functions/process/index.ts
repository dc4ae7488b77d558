import { http } from '@google-cloud/functions-framework';
import { processFunction } from './function';

http('process', processFunction());
